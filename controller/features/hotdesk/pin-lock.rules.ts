/**
 * Wrong hot desk PINs, pure (SPEC "Hot desking", issue 11): `maxFailures` wrong PINs for one user within `windowMs`
 * lock that user's hot desk log-in for `lockMs`, on the phone and through the API alike. A correct PIN clears the
 * count; a lock starts the count afresh once it is over.
 */
export interface PinLockPolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const defaultPinLockPolicy: PinLockPolicy = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

export interface PinLockState {
  /** When each wrong PIN still counted came (epoch ms). */
  failures: readonly number[];
  /** Until when log-in is locked (epoch ms), if it was locked. */
  lockedUntil: number | null;
}

export type PinVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function pinVerdict(state: PinLockState, now: number): PinVerdict {
  if (state.lockedUntil === null || state.lockedUntil <= now) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((state.lockedUntil - now) / 1000)) };
}

/** The failures that still count at `now`, this one included, and whether this one locks. */
export function afterFailure(
  failures: readonly number[],
  policy: PinLockPolicy,
  now: number,
): { counted: number[]; locks: boolean; lockedUntil: number } {
  const counted = [...failures.filter((at) => at > now - policy.windowMs), now];
  return { counted, locks: counted.length >= policy.maxFailures, lockedUntil: now + policy.lockMs };
}
