import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { findUserWithSession, sessionState } from '../db/auth-sessions.repository.js';
import type { Db } from '../db/database.js';
import type { Role, UserRow } from '../db/tables/users.js';
import { AppError } from '../errors.js';
import {
  sessionProblem,
  sessionProblemMessage,
  type SessionProblem,
} from '../features/auth/session-rules.js';
import type { TokenClaims, Tokens } from '../features/auth/tokens.js';

/** Who is calling, as the database knows them now (not as their token remembers them). */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  extension: string;
  teamId: string | null;
}

/** A caller whose token stands: who they are now, and the token's claims (session, version, expiry). */
export interface Access {
  principal: Principal;
  claims: TokenClaims;
  /** When the log-in itself ends (epoch ms), however often its access token is refreshed. */
  sessionExpiresAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    access: Access | null;
  }
}

export type AccessCheck = { ok: true; access: Access } | { ok: false; problem: SessionProblem };

export interface Auth {
  tokens: Tokens;
  /** Checks a token's claims against the database now: account, session, token version. */
  check(claims: TokenClaims): Promise<AccessCheck>;
  /** A bearer access token, verified and checked; an AppError (401) when it does not stand. */
  authenticate(token: string | undefined): Promise<Access>;
  /**
   * The hook of an authenticated route: the request must carry a valid bearer token of one of these roles (any
   * role when none given). The hook carries its `roles`, so the route table says who may call each route.
   */
  allow(...roles: Role[]): AccessHook;
}

export type AccessHook = preHandlerHookHandler & { readonly roles: readonly Role[] };

export const toPrincipal = (row: UserRow): Principal => ({
  userId: row.id,
  username: row.username,
  role: row.role,
  extension: row.extension,
  teamId: row.team_id,
});

export function createAuth(db: Db, tokens: Tokens, now: () => number = Date.now): Auth {
  const check = async (claims: TokenClaims): Promise<AccessCheck> => {
    const found = await findUserWithSession(db, claims.userId, claims.sessionId);
    const problem = sessionProblem(claims, found && sessionState(found), now());
    if (problem || !found?.session) return { ok: false, problem: problem ?? 'no-such-account' };
    const sessionExpiresAt = found.session.expiresAt.getTime();
    return { ok: true, access: { principal: toPrincipal(found.user), claims, sessionExpiresAt } };
  };
  const authenticate = async (token: string | undefined): Promise<Access> => {
    if (!token) throw new AppError('unauthorized', 'a bearer token is required');
    const claims = await tokens.verifyAccess(token);
    if (!claims) throw new AppError('unauthorized', 'the token is invalid or expired');
    const checked = await check(claims);
    if (!checked.ok) throw new AppError('unauthorized', sessionProblemMessage[checked.problem]);
    return checked.access;
  };
  return {
    tokens,
    check,
    authenticate,
    allow: (...roles) =>
      Object.assign(
        async function authorize(request: FastifyRequest, _reply: FastifyReply) {
          const access = await authenticate(bearer(request.headers.authorization));
          // Named before the role check, so that a refusal is audited with who it was.
          request.access = access;
          request.principal = access.principal;
          if (roles.length && !roles.includes(access.principal.role)) {
            throw new AppError('forbidden', `this needs the role ${roles.join(' or ')}`);
          }
        },
        { roles },
      ),
  };
}

export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** The principal of an authenticated route (set by `allow`). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'a bearer token is required');
  return request.principal;
}

/** The caller's access (principal and token claims) on an authenticated route. */
export function accessOf(request: FastifyRequest): Access {
  if (!request.access) throw new AppError('unauthorized', 'a bearer token is required');
  return request.access;
}
