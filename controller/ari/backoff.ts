export interface BackoffPolicy {
  /** Delay after the first failure. */
  initialMs: number;
  /** The delay never grows beyond this, however long Asterisk stays away: retries go on forever. */
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 10_000 };

/**
 * Capped exponential backoff with "equal jitter": the delay before retry number `attempt` (0 for the first retry)
 * is half the capped exponential plus a random part of the other half, so instances that lost Asterisk together do
 * not all come back in the same millisecond. `random` is injected to keep this pure.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const capped = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(capped / 2 + (capped / 2) * random());
}
