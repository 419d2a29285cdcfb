import { describe, expect, it } from 'vitest';
import { registrationFailure } from './registration.state';
import { registerRetryDelay, registerRetryPolicy } from './register-retry';

const refused = registrationFailure(403, 'Rejected');
const timeout = registrationFailure(null, 'Request Timeout');
const middle = () => 0.5; // no jitter

describe('registerRetryDelay', () => {
  it('backs off 2 s, 4 s, 8 s, then every 10 s', () => {
    expect([1, 2, 3, 4, 5, 20, 500].map((n) => registerRetryDelay(timeout, n, middle))).toEqual([
      2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('jitters by ±20 %', () => {
    expect(registerRetryDelay(timeout, 1, () => 0)).toBe(1600);
    expect(registerRetryDelay(timeout, 1, () => 1)).toBe(2400);
    expect(registerRetryDelay(timeout, 9, () => 1)).toBe(12_000);
  });

  it('retries refused credentials a few times (about a minute), then gives up', () => {
    const { credentialRetries } = registerRetryPolicy;
    const delays = Array.from({ length: credentialRetries + 2 }, (_, i) =>
      registerRetryDelay(refused, i + 1, middle),
    );
    expect(delays).toEqual([2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000, 10_000, null, null]);
    expect(delays.reduce<number>((sum, d) => sum + (d ?? 0), 0)).toBe(64_000);
  });

  it('leaves a lost socket to JsSIP, which registers again when it reconnects', () => {
    expect(registerRetryDelay(registrationFailure(null, 'Connection Error'), 1, middle)).toBeNull();
  });
});
