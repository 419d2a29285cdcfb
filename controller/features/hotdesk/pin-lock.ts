import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../../errors.js';
import { afterFailure, pinVerdict, type PinLockPolicy, type PinVerdict } from './pin-lock.rules.js';

export interface PinLock {
  /** Whether this user's hot desk log-in may be tried now. Throws `hotdesk-unavailable` when Redis is away. */
  check(userId: string): Promise<PinVerdict>;
  /** Counts a wrong PIN; true when it locked the user out. */
  failed(userId: string): Promise<{ locked: boolean; retryAfterSeconds: number }>;
  succeeded(userId: string): Promise<void>;
}

/**
 * The wrong-PIN counts in Redis, shared by every controller instance: a sorted set of failure times per user and a
 * lock key holding the lock's end. Times come from `now()` (the rules decide with them; Redis expiry only tidies up),
 * so a test clock moves a lock's end. Any Redis failure refuses the log-in (fail closed: never unlimited guessing).
 */
export function createPinLock(
  redis: Redis,
  prefix: string,
  policy: PinLockPolicy,
  now: () => number = Date.now,
): PinLock {
  const keys = (userId: string) => ({
    failures: `${prefix}hotdesk:pin-failures:${userId}`,
    lock: `${prefix}hotdesk:pin-lock:${userId}`,
  });
  const unavailable = (error: unknown) =>
    new AppError('hotdesk-unavailable', 'hot desk log-in is unavailable right now', { cause: String(error) });
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw error instanceof AppError ? error : unavailable(error);
    }
  };
  const tidyMs = policy.windowMs + policy.lockMs;
  return {
    check: (userId) =>
      guarded(async () => {
        const lock = await redis.get(keys(userId).lock);
        return pinVerdict({ failures: [], lockedUntil: lock === null ? null : Number(lock) }, now());
      }),
    failed: (userId) =>
      guarded(async () => {
        const k = keys(userId);
        const at = now();
        const results = await redis
          .multi()
          .zadd(k.failures, at, `${at}-${randomBytes(4).toString('hex')}`)
          .zrangebyscore(k.failures, at - policy.windowMs, '+inf', 'WITHSCORES')
          .pexpire(k.failures, tidyMs)
          .exec();
        if (!results || results.some(([error]) => error)) throw new Error('Redis refused');
        const scored = results[1]![1] as string[];
        const before = scored.filter((_, i) => i % 2 === 1).map(Number);
        before.splice(before.indexOf(at), 1);
        const outcome = afterFailure(before, policy, at);
        if (!outcome.locks) return { locked: false, retryAfterSeconds: 0 };
        // The one whose SET finds no live lock reports the lockout (two instances at once: one audit line).
        const previous = await redis.set(k.lock, String(outcome.lockedUntil), 'PX', tidyMs, 'GET');
        await redis.del(k.failures);
        const fresh = previous === null || Number(previous) <= at;
        return { locked: fresh, retryAfterSeconds: Math.ceil(policy.lockMs / 1000) };
      }),
    succeeded: (userId) =>
      guarded(async () => {
        await redis.del(keys(userId).failures);
      }),
  };
}
