import { listAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import type { PageRequest } from '../../db/pagination.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { auditScope } from './audit.access.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAuditService(db: Db) {
  return {
    async list(
      principal: Principal,
      filter: {
        action?: string | undefined;
        actor?: string | undefined;
        target?: string | undefined;
        since?: string | undefined;
        until?: string | undefined;
      },
      page: PageRequest,
    ) {
      const scope = auditScope(principal);
      if (!scope) throw new AppError('forbidden', 'only admins and supervisors read the audit log');
      const actor = filter.actor;
      const byActor =
        actor === undefined ? {} : uuid.test(actor) ? { actorUserId: actor } : { actorName: actor };
      const { target, since, until } = filter;
      return listAudit(db, scope, { action: filter.action, target, since, until, ...byActor }, page);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
