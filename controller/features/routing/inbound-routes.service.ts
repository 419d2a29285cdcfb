import type { EventBus } from '../../bus/event-bus.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import { findByExtension } from '../../db/calls-directory.repository.js';
import type { Db } from '../../db/database.js';
import {
  deleteInboundRoute,
  findInboundRouteById,
  insertInboundRoute,
  listInboundRoutes,
  updateInboundRoute,
  type InboundRoute,
} from '../../db/inbound-routes.repository.js';
import type { PageRequest } from '../../db/pagination.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import type { DialingPlan } from '../contacts/phone-number.js';
import { asActor, requireRole } from '../users/actor.js';
import './inbound-routes.events.js';
import { checkInboundRoute, type RouteValues } from './inbound-routes.rules.js';
import type { InboundRouteBody } from './inbound-routes.schemas.js';

const noSuchRoute = () => new AppError('no-such-inbound-route', 'inbound route not found');

const rowOf = (values: RouteValues) => ({
  did: values.did,
  team_id: values.teamId,
  assigned_ring_seconds: values.assignedRingSeconds,
  fallback_kind: values.fallback.kind,
  fallback_target: values.fallback.target,
});

/** `/api/inbound-routes` (admins): checked, audited, published; the routing shell reads them per call. */
export function createInboundRoutesService(deps: { db: Db; bus: EventBus; plan: DialingPlan }) {
  const { db, bus, plan } = deps;

  async function checked(body: InboundRouteBody): Promise<RouteValues> {
    const target = body.fallback.kind === 'extension' ? body.fallback.target : undefined;
    const known = target && /^\d{3,5}$/.test(target) ? await findByExtension(db, target) : undefined;
    const result = checkInboundRoute(body, plan, (extension) => known?.extension === extension);
    if (result.kind === 'invalid') {
      const message = result.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      throw new AppError('validation-failed', message, result.problems);
    }
    return result.values;
  }

  async function audited(
    principal: Principal,
    action: 'created' | 'updated' | 'deleted',
    change: (trx: Db) => Promise<InboundRoute | undefined>,
  ): Promise<InboundRoute> {
    requireRole(principal, 'admin');
    const route = await asActor(db, principal, async (trx) => {
      const done = await change(trx);
      if (!done) throw noSuchRoute();
      await writeAudit(trx, {
        actorUserId: principal.userId,
        actor: auditActor(principal),
        action: `inbound-route.${action}`,
        target: auditTarget.inboundRoute(done.id),
        details: { did: done.did, teamId: done.teamId, fallback: done.fallback },
      });
      return done;
    });
    bus.publish(`inbound-route.${action}`, route);
    return route;
  }

  return {
    list(principal: Principal, page: PageRequest) {
      requireRole(principal, 'admin');
      return listInboundRoutes(db, page);
    },
    async get(principal: Principal, id: string): Promise<InboundRoute> {
      requireRole(principal, 'admin');
      const route = await findInboundRouteById(db, id);
      if (!route) throw noSuchRoute();
      return route;
    },
    async create(principal: Principal, body: InboundRouteBody): Promise<InboundRoute> {
      requireRole(principal, 'admin');
      const values = await checked(body);
      return audited(principal, 'created', (trx) => insertInboundRoute(trx, rowOf(values)));
    },
    async update(principal: Principal, id: string, body: Partial<InboundRouteBody>): Promise<InboundRoute> {
      requireRole(principal, 'admin');
      const before = await findInboundRouteById(db, id);
      if (!before) throw noSuchRoute();
      const values = await checked({
        did: body.did ?? before.did,
        teamId: body.teamId ?? before.teamId,
        assignedRingSeconds: body.assignedRingSeconds ?? before.assignedRingSeconds,
        fallback: body.fallback ?? before.fallback,
      });
      return audited(principal, 'updated', (trx) => updateInboundRoute(trx, id, rowOf(values)));
    },
    remove: (principal: Principal, id: string) => audited(principal, 'deleted', (trx) => deleteInboundRoute(trx, id)),
  };
}

export type InboundRoutesService = ReturnType<typeof createInboundRoutesService>;
