import { describe, expect, it } from 'vitest';
import { sessionProblem } from '../../controller/features/auth/session-rules.js';

const now = Date.parse('2026-12-01T12:00:00Z');
const claims = { userId: 'u1', sessionId: 's1', tokenVersion: 3, expiresAt: now + 60_000 };
const live = {
  userTokenVersion: 3,
  sessionUserId: 'u1',
  revokedAt: null,
  expiresAt: new Date(now + 3_600_000),
};

describe('session rules', () => {
  it.each([
    ['a live session of the same version', claims, live, undefined],
    ['a deleted account', claims, undefined, 'no-such-account'],
    ['a revoked session (log-out)', claims, { ...live, revokedAt: new Date(now - 1) }, 'session-revoked'],
    ["someone else's session id", claims, { ...live, sessionUserId: '' }, 'session-revoked'],
    ['an expired session', claims, { ...live, expiresAt: new Date(now) }, 'session-expired'],
    ['an expired token', { ...claims, expiresAt: now }, live, 'session-expired'],
    ['a password or role change since', claims, { ...live, userTokenVersion: 4 }, 'token-version-changed'],
  ] as const)('%s', (_name, given, state, problem) => {
    expect(sessionProblem(given, state, now)).toBe(problem);
  });
});
