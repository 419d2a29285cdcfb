import type { EventBus } from '../../bus/event-bus.js';
import {
  advanceRefreshGeneration,
  createSession,
  deleteStaleSessions,
  findUserWithSession,
  revokeAllSessions,
  revokeSession,
  sessionState,
} from '../../db/auth-sessions.repository.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { findUserRowByUsername, toUser, type User } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Access, Auth } from '../../http/auth.js';
import './auth.events.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifySecret } from './password.js';
import { sessionProblem } from './session-rules.js';
import type { TokenPair } from './tokens.js';
import type { WsTickets } from './ws-tickets.js';

// Verifying against a real hash when the user does not exist keeps both answers equally slow.
const decoyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface AuthServiceDeps {
  db: Db;
  auth: Auth;
  bus: EventBus;
  throttle: LoginThrottle;
  tickets: WsTickets;
  refreshTtlSeconds: number;
  now?: () => number;
}

export function createAuthService(deps: AuthServiceDeps) {
  const { db, auth, bus, throttle, tickets, refreshTtlSeconds } = deps;
  const now = deps.now ?? Date.now;

  const admitted = async (username: string, address: string) => {
    const verdict = await throttle.check(username, address).catch(() => {
      throw new AppError(
        'login-unavailable',
        'log-in is unavailable: the attempt limiter (Redis) cannot be reached',
      );
    });
    if (!verdict.allowed) {
      const what = verdict.reason === 'address' ? 'from this address' : 'for this account';
      throw new AppError('rate-limited', `too many failed log-ins ${what}, try again later`, {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
  };

  return {
    async login(username: string, password: string, address: string): Promise<TokenPair & { user: User }> {
      await admitted(username, address);
      const row = await findUserRowByUsername(db, username);
      const valid = await verifySecret(password, row?.password_hash ?? decoyHash);
      if (!row || !valid) {
        await throttle.failed(username, address).catch(() => undefined);
        await writeAudit(db, {
          actorUserId: row?.id ?? null,
          actor: row ? auditActor(row) : 'anonymous',
          action: 'auth.login-failed',
          target: row ? auditTarget.user(row.id) : 'login:unknown-user',
          details: { username: username.slice(0, 100), address },
        });
        throw new AppError('invalid-credentials', 'wrong username or password');
      }
      await throttle.succeeded(username, address).catch(() => undefined);
      await deleteStaleSessions(db, row.id);
      const session = await createSession(db, row.id, new Date(now() + refreshTtlSeconds * 1000));
      await writeAudit(db, {
        actorUserId: row.id,
        actor: auditActor(row),
        action: 'auth.login',
        target: auditTarget.user(row.id),
        details: { address, sessionId: session.id },
      });
      const tokens = await auth.tokens.issue({
        userId: row.id,
        sessionId: session.id,
        tokenVersion: row.token_version,
        generation: 0,
      });
      return { ...tokens, user: toUser(row) };
    },

    /** A new token pair for a refresh token, which is then spent: presenting it again ends the session. */
    async refresh(refreshToken: string): Promise<TokenPair> {
      const refused = new AppError('unauthorized', 'the refresh token is invalid, expired or already used');
      const claims = await auth.tokens.verifyRefresh(refreshToken);
      if (!claims) throw refused;
      const found = await findUserWithSession(db, claims.userId, claims.sessionId);
      if (!found || sessionProblem(claims, sessionState(found), now())) throw refused;
      if (!(await advanceRefreshGeneration(db, claims.sessionId, claims.generation))) {
        // A spent refresh token came back: whoever holds it is not (only) the owner. End the session.
        await revokeSession(db, claims.sessionId);
        bus.publish('auth.revoked', { userId: claims.userId, sessionId: claims.sessionId });
        throw refused;
      }
      return auth.tokens.issue({
        userId: claims.userId,
        sessionId: claims.sessionId,
        tokenVersion: found.user.token_version,
        generation: claims.generation + 1,
      });
    },

    /** Ends this session's tokens, or (everywhere) every token of the user. */
    async logout(access: Access, everywhere: boolean): Promise<void> {
      const { principal, claims } = access;
      if (everywhere) await revokeAllSessions(db, principal.userId);
      else await revokeSession(db, claims.sessionId);
      await writeAudit(db, {
        actorUserId: principal.userId,
        actor: auditActor(principal),
        action: everywhere ? 'auth.logout-everywhere' : 'auth.logout',
        target: auditTarget.user(principal.userId),
        details: { sessionId: claims.sessionId },
      });
      bus.publish('auth.revoked', {
        userId: principal.userId,
        sessionId: everywhere ? null : claims.sessionId,
      });
    },

    /**
     * A one-time ticket for the WebSocket, bound to the caller's session: the socket it opens lasts as long as the
     * log-in (not the short access token), and is checked against the database throughout.
     */
    async eventsTicket(access: Access): Promise<{ ticket: string; expiresInSeconds: number }> {
      const ticket = await tickets.issue({ ...access.claims, expiresAt: access.sessionExpiresAt });
      return { ticket, expiresInSeconds: tickets.ttlSeconds };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
