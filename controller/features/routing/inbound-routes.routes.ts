import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  inboundRouteBody,
  inboundRouteIdParams,
  inboundRoutePageSchema,
  inboundRoutePatch,
  inboundRouteSchema,
  listInboundRoutesQuery,
} from './inbound-routes.schemas.js';
import type { InboundRoutesService } from './inbound-routes.service.js';

const tags = ['inbound-routes'];

export function inboundRoutesRoutes(service: InboundRoutesService, auth: Auth) {
  return async (app: Server) => {
    const admin = { onRequest: auth.allow('admin') };
    app.get(
      '/inbound-routes',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Inbound routes, by DID',
          querystring: listInboundRoutesQuery,
          response: { 200: inboundRoutePageSchema },
        },
      },
      async (request) => service.list(principalOf(request), request.query),
    );
    app.get(
      '/inbound-routes/:id',
      {
        ...admin,
        schema: { tags, summary: 'One inbound route', params: inboundRouteIdParams, response: { 200: inboundRouteSchema } },
      },
      async (request) => service.get(principalOf(request), request.params.id),
    );
    app.post(
      '/inbound-routes',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Route a DID to a team (409 did-taken if another route has it)',
          body: inboundRouteBody,
          response: { 201: inboundRouteSchema },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(principalOf(request), request.body)),
    );
    app.patch(
      '/inbound-routes/:id',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Change an inbound route (absent fields stay)',
          params: inboundRouteIdParams,
          body: inboundRoutePatch,
          response: { 200: inboundRouteSchema },
        },
      },
      async (request) => service.update(principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/inbound-routes/:id',
      { ...admin, schema: { tags, summary: 'Delete an inbound route', params: inboundRouteIdParams } },
      async (request, reply) => {
        await service.remove(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
