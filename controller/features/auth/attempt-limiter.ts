import type { Redis } from 'ioredis';

export interface AttemptLimiter {
  /** Counts one attempt for each key; false when any key is over the limit within the window. */
  allow(keys: string[]): Promise<boolean>;
  reset(keys: string[]): Promise<void>;
}

/**
 * A fixed-window counter in Redis, shared by every controller instance (logins, hot desk PINs). When Redis is
 * unreachable it refuses (fails closed): a guesser must not get unlimited tries during a blip.
 */
export function createAttemptLimiter(redis: Redis, prefix: string, max: number, windowSeconds: number): AttemptLimiter {
  const key = (k: string) => `${prefix}${k}`;
  return {
    async allow(keys) {
      try {
        const multi = redis.multi();
        for (const k of keys) multi.incr(key(k)).expire(key(k), windowSeconds, 'NX');
        const results = (await multi.exec()) ?? [];
        const counts = results.filter((_, i) => i % 2 === 0).map(([, count]) => Number(count));
        return counts.every((count) => count <= max);
      } catch {
        return false;
      }
    },
    async reset(keys) {
      if (keys.length) await redis.del(...keys.map(key)).catch(() => undefined);
    },
  };
}
