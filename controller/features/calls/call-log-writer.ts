import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../db/db-unavailable.js';
import type { CallLogEntry } from './call.types.js';
import type { OrderedWrites } from './ordered-writes.js';

/**
 * Call log rows, written in each call's order (behind its other writes). A row PostgreSQL could not take because it is
 * unreachable is kept, the call's newest only (each row is the whole entry: `upsertCallLog`), and written again every
 * `retryMs` until it is back: a call that ended during a database outage is logged once it is over. Found by the fault
 * suite (tests/faults/postgres-outage.fault.test.ts): before, such a row was logged as a warning and lost. The retry
 * never holds a call's lock (a call whose event waits for its row gets the failed attempt at once), and a row kept is
 * lost only if the process dies before the database comes back.
 */
export function createCallLogWriter(deps: {
  writes: OrderedWrites;
  write: (entry: CallLogEntry) => Promise<void>;
  logger: Logger;
  retryMs?: number;
}) {
  const unwritten = new Map<string, CallLogEntry>();
  let timer: NodeJS.Timeout | undefined;

  async function attempt(callId: string, entry: CallLogEntry): Promise<void> {
    unwritten.delete(callId);
    try {
      await deps.write(entry);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      // A newer row queued meanwhile has not run yet (it runs after this one), so this one is the newest so far.
      unwritten.set(callId, entry);
      if (unwritten.size === 1 && !timer)
        deps.logger.warn('the database is unavailable: call log rows are kept and written once it is back');
      retryLater();
    }
  }

  function retryLater(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      for (const [callId, entry] of unwritten)
        void deps.writes.queue(callId, async () => {
          if (unwritten.get(callId) === entry) await attempt(callId, entry);
        });
    }, deps.retryMs ?? 2000);
    timer.unref();
  }

  return {
    /** Queues the call's row behind its earlier writes; resolves when this attempt is over (never rejects). */
    queue: (callId: string, entry: CallLogEntry) => deps.writes.queue(callId, () => attempt(callId, entry)),
    /** Rows still waiting for the database. */
    pending: () => unwritten.size,
    stop(): void {
      clearTimeout(timer);
      timer = undefined;
      if (unwritten.size > 0)
        deps.logger.warn({ calls: [...unwritten.keys()] }, 'stopping with call log rows never written');
    },
  };
}
