import type { Logger } from 'pino';
import { isDatabaseUnavailable } from './db-unavailable.js';

/**
 * Writes PostgreSQL could not take because it is unreachable, kept and tried again every `retryMs` until it is back.
 * Each key keeps its newest write only (a write is the whole row: a call's log entry, a park slot's state), and a
 * newer write of the key supersedes a kept one. `run(key, fn)` is how the owner orders a key's writes (its queue or
 * lock): a retry goes through it, so it never overtakes a newer write. Any other error is the caller's. Found by the
 * fault suite (tests/faults/postgres-outage.fault.test.ts): before, such writes were logged and lost. A kept write is
 * lost only if the process dies before the database comes back.
 */
export function createKeptWrites(deps: {
  run: (key: string, fn: () => Promise<void>) => Promise<unknown>;
  logger: Logger;
  /** What the writes are, for the log: "call log rows", "park slots". */
  what: string;
  retryMs?: number;
}) {
  const kept = new Map<string, () => Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  /** Writes now (the caller holds the key's order); kept for later if the database is unreachable. */
  async function attempt(key: string, write: () => Promise<void>): Promise<void> {
    kept.delete(key);
    try {
      await write();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      if (kept.size === 0 && !timer)
        deps.logger.warn(`the database is unavailable: ${deps.what} are kept and written once it is back`);
      kept.set(key, write);
      retryLater();
    }
  }

  function retryLater(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      for (const [key, write] of kept)
        void deps
          .run(key, async () => {
            if (kept.get(key) === write) await attempt(key, write);
          })
          .catch((error: unknown) =>
            deps.logger.warn({ err: error, key }, `could not write kept ${deps.what}`),
          );
    }, deps.retryMs ?? 2000);
    timer.unref();
  }

  return {
    attempt,
    /** Keys whose write still waits for the database. */
    pending: () => [...kept.keys()],
    stop(): void {
      clearTimeout(timer);
      timer = undefined;
      if (kept.size > 0)
        deps.logger.warn({ keys: [...kept.keys()] }, `stopping with ${deps.what} never written`);
    },
  };
}
