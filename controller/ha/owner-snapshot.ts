import type { FastifyInstance } from 'fastify';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Principal } from '../http/auth.js';
import type { SnapshotSource } from '../http/events.gateway.js';
import type { Ownership } from './ownership.js';

/**
 * The WebSocket snapshot on a standby (issue 15): the parts held in the ARI owner's memory (live calls, park slots,
 * pages, supervision sessions) are asked of the owner, for the client's principal, over an internal route. The
 * standby signs what it asks with the instances' shared JWT_SECRET, as a short-lived `instance` token that no other
 * route accepts (and that is no access token: those are `typ: access`).
 */
const TOKEN_SECONDS = 30;
const principalSchema = z.object({
  userId: z.string(),
  username: z.string(),
  role: z.enum(['admin', 'supervisor', 'agent']),
  extension: z.string(),
  teamId: z.string().nullable(),
});

export const OWNER_SNAPSHOT_PATH = '/internal/snapshot';

export function ownerSnapshot(options: {
  ownership: Ownership;
  secret: string;
  /** The owner-held parts, computed from this instance's memory. */
  local: Record<string, SnapshotSource>;
  timeoutMs?: number;
}) {
  const key = new TextEncoder().encode(options.secret);
  const { ownership, local } = options;

  const sign = (principal: Principal) =>
    new SignJWT({ typ: 'instance', principal })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_SECONDS}s`)
      .sign(key);

  const verify = async (header: string | undefined): Promise<Principal> => {
    const token = header?.startsWith('Instance ') ? header.slice('Instance '.length) : undefined;
    const payload =
      token && (await jwtVerify(token, key, { algorithms: ['HS256'] }).catch(() => undefined))?.payload;
    const principal = payload && payload.typ === 'instance' && principalSchema.safeParse(payload.principal);
    if (!principal || !principal.success) throw new AppError('unauthorized', 'an instance token is required');
    return principal.data;
  };

  const fromOwner =
    (part: string): SnapshotSource =>
    async (principal) => {
      if (ownership.isOwner()) return local[part]!(principal);
      const owner = ownership.owner();
      if (!owner) throw new Error('no instance owns the ARI app');
      const response = await fetch(`${owner.url.replace(/\/+$/, '')}${OWNER_SNAPSHOT_PATH}/${part}`, {
        headers: { authorization: `Instance ${await sign(principal)}` },
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
      if (!response.ok) throw new Error(`the owner answered ${response.status}`);
      return response.json() as Promise<unknown>;
    };

  return {
    /** The snapshot sources every instance serves its WebSocket clients with. */
    sources: Object.fromEntries(Object.keys(local).map((part) => [part, fromOwner(part)])),
    /** The owner's side: `GET /internal/snapshot/:part`, for other instances only. */
    routes: async (app: FastifyInstance) => {
      app.get<{ Params: { part: string } }>(
        `${OWNER_SNAPSHOT_PATH}/:part`,
        { schema: { hide: true } },
        async (request) => {
          const principal = await verify(request.headers.authorization);
          const source = Object.hasOwn(local, request.params.part) ? local[request.params.part] : undefined;
          if (!source) throw new AppError('not-found', 'no such snapshot part');
          if (!ownership.isOwner())
            throw new AppError('ari-owner-unknown', 'this instance does not own the ARI app');
          return source(principal);
        },
      );
    },
  };
}
