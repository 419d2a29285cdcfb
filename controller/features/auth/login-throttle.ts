import type { Redis } from 'ioredis';
import {
  throttleVerdict,
  type FailureCount,
  type ThrottlePolicy,
  type ThrottleState,
  type ThrottleVerdict,
} from './login-throttle.rules.js';

export interface LoginThrottle {
  /** Whether this username may be tried from this address now. Throws when Redis cannot be reached. */
  check(username: string, address: string): Promise<ThrottleVerdict>;
  failed(username: string, address: string): Promise<void>;
  succeeded(username: string, address: string): Promise<void>;
}

/** How long an address stays "known" for a user after a successful log-in from it. */
const knownAddressSeconds = 30 * 24 * 3600;

/**
 * The log-in throttle's state in Redis, shared by every controller instance: one hash `{failures, last}` per
 * counter, expiring a window after its last failure, and a set of each user's known addresses.
 */
export function createLoginThrottle(
  redis: Redis,
  prefix: string,
  policy: ThrottlePolicy,
  now: () => number = Date.now,
): LoginThrottle {
  const keys = (username: string, address: string) => {
    const user = username.toLowerCase();
    return {
      pair: `${prefix}login:pair:${user}|${address}`,
      user: `${prefix}login:user:${user}`,
      address: `${prefix}login:address:${address}`,
      known: `${prefix}login:known:${user}`,
    };
  };
  const count = (raw: unknown): FailureCount => {
    const [failures, last] = (Array.isArray(raw) ? raw : []) as (string | null)[];
    return { failures: Number(failures ?? 0), lastFailureAt: Number(last ?? 0) };
  };
  return {
    async check(username, address) {
      const k = keys(username, address);
      const results = await redis
        .multi()
        .hmget(k.pair, 'failures', 'last')
        .hmget(k.user, 'failures', 'last')
        .hmget(k.address, 'failures', 'last')
        .sismember(k.known, address)
        .exec();
      if (!results || results.some(([error]) => error)) throw new Error('login throttle: Redis refused');
      const state: ThrottleState = {
        pair: count(results[0]![1]),
        user: count(results[1]![1]),
        address: count(results[2]![1]),
        knownAddress: Number(results[3]![1]) === 1,
      };
      return throttleVerdict(state, policy, now());
    },
    async failed(username, address) {
      const k = keys(username, address);
      const at = String(now());
      const multi = redis.multi();
      for (const key of [k.pair, k.user, k.address]) {
        multi.hincrby(key, 'failures', 1).hset(key, 'last', at).expire(key, policy.windowSeconds);
      }
      await multi.exec();
    },
    async succeeded(username, address) {
      const k = keys(username, address);
      await redis
        .multi()
        .del(k.pair, k.user)
        .sadd(k.known, address)
        .expire(k.known, knownAddressSeconds)
        .exec();
    },
  };
}
