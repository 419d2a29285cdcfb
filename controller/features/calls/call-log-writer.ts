import type { Logger } from 'pino';
import { createKeptWrites } from '../../db/kept-writes.js';
import type { CallLogEntry } from './call.types.js';
import type { OrderedWrites } from './ordered-writes.js';

/**
 * Call log rows, written in each call's order (behind its other writes). A row PostgreSQL could not take because it is
 * unreachable is kept (the call's newest: each row is the whole entry, `upsertCallLog`) and written once it is back
 * (`kept-writes.ts`): a call that ended during a database outage is logged. The retry goes through the call's queue
 * of writes and never holds its lock (a call whose event waits for its row gets the failed attempt at once).
 */
export function createCallLogWriter(deps: {
  writes: OrderedWrites;
  write: (entry: CallLogEntry) => Promise<void>;
  logger: Logger;
  retryMs?: number;
}) {
  const kept = createKeptWrites({
    run: (callId, fn) => deps.writes.queue(callId, fn),
    logger: deps.logger,
    what: 'call log rows',
    retryMs: deps.retryMs,
  });
  return {
    /** Queues the call's row behind its earlier writes; resolves when this attempt is over (never rejects). */
    queue: (callId: string, entry: CallLogEntry) =>
      deps.writes.queue(callId, () => kept.attempt(callId, () => deps.write(entry))),
    /** Calls whose row still waits for the database. */
    pending: kept.pending,
    stop: kept.stop,
  };
}
