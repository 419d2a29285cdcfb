import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditActor, auditTarget, writeAudit } from '../db/audit.repository.js';
import type { Db } from '../db/database.js';

/**
 * An onResponse hook that writes every 403 to the audit log as `access.refused`: who (the access hook names the
 * caller before it checks their role), the method, the route pattern, its path
 * parameters and the status. The answer is already sent, and the write is not awaited: it never delays or fails a
 * request; a write that fails is logged. At most `maxPending` writes run at once (a client hammering a refused
 * route must not take the database pool), the rest are logged and dropped.
 */
export function refusalAudit(deps: { db: Db; maxPending?: number }) {
  const maxPending = deps.maxPending ?? 20;
  let pending = 0;

  const record = async (request: FastifyRequest, status: number) => {
    const actor = request.principal;
    const method = request.method;
    const route = request.routeOptions.url ?? request.url.split('?')[0]!;
    await writeAudit(deps.db, {
      actorUserId: actor?.userId ?? null,
      actor: actor ? auditActor(actor) : 'unknown',
      action: 'access.refused',
      target: auditTarget.route(method, route),
      details: { method, route, status, params: request.params ?? {}, requestId: request.id },
    });
  };

  return async function auditRefusal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (reply.statusCode !== 403) return;
    if (pending >= maxPending) {
      request.log.warn(
        { route: request.routeOptions.url },
        'access.refused not audited: too many writes pending',
      );
      return;
    }
    pending++;
    void record(request, reply.statusCode)
      .catch((err: unknown) => request.log.warn({ err }, 'access.refused could not be audited'))
      .finally(() => pending--);
  };
}
