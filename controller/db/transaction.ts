import type { Db } from './database.js';
import { retryableConflict } from './pg-errors.js';

export interface RetryPolicy {
  /** Runs in all, the first included. */
  attempts: number;
  /** The pause before a retry is random, up to `maxDelayMs` times the number of tries so far. */
  maxDelayMs: number;
}

const defaultPolicy: RetryPolicy = { attempts: 4, maxDelayMs: 25 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` in a transaction. When PostgreSQL aborts it as a serialization failure (40001) or as a deadlock's
 * victim (40P01), it runs again from the start after a short random pause, a few times at most, so two requests
 * that crossed each other both get a real answer instead of a 500. `work` may therefore run more than once: it must
 * do nothing outside the transaction (publish events after it returns).
 */
export async function inTransaction<T>(
  db: Db,
  work: (trx: Db) => Promise<T>,
  policy: RetryPolicy = defaultPolicy,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= policy.attempts || !retryableConflict(error)) throw error;
      await pause(Math.random() * policy.maxDelayMs * attempt);
    }
  }
}
