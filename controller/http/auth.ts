import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { SignJWT, jwtVerify } from 'jose';
import { AppError } from '../errors.js';
import type { Role } from '../db/tables/users.js';

/** Who is calling, from a verified token. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  extension: string;
  teamId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface Auth {
  sign(principal: Principal): Promise<string>;
  verify(token: string): Promise<Principal | undefined>;
  /**
   * The hook of an authenticated route: the request must carry a valid bearer token of one of these roles (any
   * role when none given). The hook carries its `roles`, so the route table says who may call each route.
   */
  allow(...roles: Role[]): AccessHook;
}

export type AccessHook = preHandlerHookHandler & { readonly roles: readonly Role[] };

export function createAuth(secret: string, ttlSeconds: number): Auth {
  const key = new TextEncoder().encode(secret);
  const verify = async (token: string): Promise<Principal | undefined> => {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      return payload.principal as Principal;
    } catch {
      return undefined;
    }
  };
  return {
    sign: (principal) =>
      new SignJWT({ principal })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.userId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    verify,
    allow: (...roles) =>
      Object.assign(
        async function authorize(request: FastifyRequest, _reply: FastifyReply) {
          const token = bearer(request.headers.authorization);
          if (!token) throw new AppError('unauthorized', 'a bearer token is required');
          const principal = await verify(token);
          if (!principal) throw new AppError('unauthorized', 'the token is invalid or expired');
          if (roles.length && !roles.includes(principal.role)) {
            throw new AppError('forbidden', `this needs the role ${roles.join(' or ')}`);
          }
          request.principal = principal;
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
