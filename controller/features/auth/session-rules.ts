import type { TokenClaims } from './tokens.js';

/** A log-in as the database knows it now: the user's token version and the session's own state. */
export interface SessionState {
  userTokenVersion: number;
  sessionUserId: string;
  revokedAt: Date | null;
  expiresAt: Date;
}

export type SessionProblem =
  'no-such-account' | 'session-revoked' | 'session-expired' | 'token-version-changed';

/**
 * Whether a token still stands: signed and unexpired is not enough; its account must exist, its session must be
 * live, and the user's token version must not have moved on (password or role changed, logged out everywhere).
 */
export function sessionProblem(
  claims: TokenClaims,
  state: SessionState | undefined,
  now: number,
): SessionProblem | undefined {
  if (!state) return 'no-such-account';
  if (state.sessionUserId !== claims.userId || state.revokedAt) return 'session-revoked';
  if (state.expiresAt.getTime() <= now || claims.expiresAt <= now) return 'session-expired';
  if (state.userTokenVersion !== claims.tokenVersion) return 'token-version-changed';
  return undefined;
}

export const sessionProblemMessage: Record<SessionProblem, string> = {
  'no-such-account': 'this account no longer exists',
  'session-revoked': 'this session has ended (logged out)',
  'session-expired': 'the token is invalid or expired',
  'token-version-changed': 'this account changed (password or role); log in again',
};
