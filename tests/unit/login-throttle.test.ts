import { describe, expect, it } from 'vitest';
import {
  defaultThrottlePolicy as policy,
  delaySeconds,
  throttleVerdict,
  type ThrottleState,
} from '../../controller/features/auth/login-throttle.rules.js';

const now = 1_000_000_000;
const none = { failures: 0, lastFailureAt: 0 };
const state = (over: Partial<ThrottleState>): ThrottleState => ({
  pair: none,
  user: none,
  address: none,
  knownAddress: false,
  ...over,
});
const failed = (failures: number, secondsAgo: number) => ({
  failures,
  lastFailureAt: now - secondsAgo * 1000,
});

describe('log-in throttle rules', () => {
  it('doubles the wait after the free failures, up to a cap', () => {
    expect([0, 4, 5, 6, 7, 8, 20, 60].map((n) => delaySeconds(n, 5, 900))).toEqual([
      0, 0, 1, 2, 4, 8, 900, 900,
    ]);
  });

  it.each([
    ['nothing failed yet', state({}), { allowed: true }],
    ['4 failures of this pair', state({ pair: failed(4, 0) }), { allowed: true }],
    [
      '5 failures of this pair, just now',
      state({ pair: failed(5, 0) }),
      { allowed: false, retryAfterSeconds: 1, reason: 'account' },
    ],
    ['5 failures of this pair, 2 s ago', state({ pair: failed(5, 2) }), { allowed: true }],
    [
      '9 failures of this pair, 10 s ago',
      state({ pair: failed(9, 10) }),
      { allowed: false, retryAfterSeconds: 6, reason: 'account' },
    ],
    [
      '30 failures of this username elsewhere, from a new address',
      state({ user: failed(30, 0) }),
      { allowed: false, retryAfterSeconds: 30, reason: 'account' },
    ],
    [
      '30 failures of this username elsewhere, from a known address',
      state({ user: failed(30, 0), knownAddress: true }),
      { allowed: true },
    ],
    [
      '50 failures from this address, 1 min ago',
      state({ address: failed(50, 60) }),
      { allowed: false, retryAfterSeconds: 840, reason: 'address' },
    ],
    ['50 failures from this address, 15 min ago', state({ address: failed(50, 900) }), { allowed: true }],
  ])('%s', (_name, given, verdict) => {
    expect(throttleVerdict(given, policy, now)).toEqual(verdict);
  });

  it('never makes the owner wait more than 30 s at an unknown address, however many failures', () => {
    const verdict = throttleVerdict(state({ user: failed(10_000, 0) }), policy, now);
    expect(verdict).toMatchObject({ allowed: false, retryAfterSeconds: 30 });
  });
});
