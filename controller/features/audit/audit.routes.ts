import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { auditPageSchema, listAuditQuery } from './audit.schemas.js';
import type { AuditService } from './audit.service.js';

export function auditRoutes(service: AuditService, auth: Auth) {
  return async (app: Server) => {
    app.get(
      '/audit',
      {
        onRequest: auth.allow('admin', 'supervisor'),
        schema: {
          tags: ['audit'],
          summary: 'The audit log, newest first (supervisors: entries by or about their team)',
          querystring: listAuditQuery,
          response: { 200: auditPageSchema },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        return service.list(principalOf(request), filter, { limit, cursor });
      },
    );
  };
}
