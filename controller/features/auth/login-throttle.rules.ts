/**
 * When a log-in may be tried, from the failures seen so far. Only failures count: correct log-ins, however many,
 * never slow anyone down. Three counters, each with its own rule:
 *
 * - `pair` (this username from this address): after `pairFree` failures each further try waits twice as long as
 *   the last (1 s, 2 s, 4 s … up to `pairMaxDelaySeconds`). This is what slows a guesser of one account down.
 * - `user` (this username from anywhere): the same doubling after `userFree` failures, capped low
 *   (`userMaxDelaySeconds`), and never applied to an address the user logged in from before. An attacker elsewhere
 *   can therefore not lock the real user out: at their usual address they are not slowed at all, elsewhere for
 *   seconds, not minutes.
 * - `address` (every username from this address): a plain cap of `addressMax` failures per window, against one
 *   address spraying many usernames.
 */
export interface ThrottlePolicy {
  pairFree: number;
  pairMaxDelaySeconds: number;
  userFree: number;
  userMaxDelaySeconds: number;
  addressMax: number;
  windowSeconds: number;
}

/** Failures so far under one key, and when the last happened (epoch ms). */
export interface FailureCount {
  failures: number;
  lastFailureAt: number;
}

export interface ThrottleState {
  pair: FailureCount;
  user: FailureCount;
  address: FailureCount;
  /** Whether the user logged in successfully from this address before. */
  knownAddress: boolean;
}

export type ThrottleVerdict =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: 'account' | 'address' };

export const defaultThrottlePolicy: ThrottlePolicy = {
  pairFree: 5,
  pairMaxDelaySeconds: 15 * 60,
  userFree: 10,
  userMaxDelaySeconds: 30,
  addressMax: 50,
  windowSeconds: 15 * 60,
};

export function throttleVerdict(state: ThrottleState, policy: ThrottlePolicy, now: number): ThrottleVerdict {
  if (state.address.failures >= policy.addressMax) {
    const waitMs = state.address.lastFailureAt + policy.windowSeconds * 1000 - now;
    if (waitMs > 0) return refused(waitMs, 'address');
  }
  const pairWait = waitFor(state.pair, policy.pairFree, policy.pairMaxDelaySeconds, now);
  const userWait = state.knownAddress
    ? 0
    : waitFor(state.user, policy.userFree, policy.userMaxDelaySeconds, now);
  const waitMs = Math.max(pairWait, userWait);
  return waitMs > 0 ? refused(waitMs, 'account') : { allowed: true };
}

/** The delay owed after `failures` failures with `free` of them free: 1 s, 2 s, 4 s … capped. */
export function delaySeconds(failures: number, free: number, maxSeconds: number): number {
  if (failures < free) return 0;
  return Math.min(2 ** Math.min(failures - free, 30), maxSeconds);
}

function waitFor(count: FailureCount, free: number, maxSeconds: number, now: number): number {
  const delay = delaySeconds(count.failures, free, maxSeconds);
  return delay === 0 ? 0 : count.lastFailureAt + delay * 1000 - now;
}

const refused = (waitMs: number, reason: 'account' | 'address'): ThrottleVerdict => ({
  allowed: false,
  retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  reason,
});
