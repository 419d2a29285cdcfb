import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  createTrunkBody,
  listTrunksQuery,
  trunkIdParams,
  trunkPageSchema,
  trunkSchema,
  updateTrunkBody,
} from './trunks.schemas.js';
import type { TrunksService } from './trunks.service.js';

const tags = ['trunks'];

/** `/api/trunks`: admins only. */
export function trunksRoutes(service: TrunksService, auth: Auth) {
  return async (app: Server) => {
    const admin = { onRequest: auth.allow('admin') };
    app.get(
      '/trunks',
      {
        ...admin,
        schema: {
          tags,
          summary: 'List trunks (the first is where outside calls leave)',
          querystring: listTrunksQuery,
          response: { 200: trunkPageSchema },
        },
      },
      async (request) => service.list(principalOf(request), request.query),
    );
    app.get(
      '/trunks/:id',
      { ...admin, schema: { tags, summary: 'One trunk', params: trunkIdParams, response: { 200: trunkSchema } } },
      async (request) => service.get(principalOf(request), request.params.id),
    );
    app.post(
      '/trunks',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Create a trunk (pushed to Asterisk as PJSIP objects trunk-<id>)',
          body: createTrunkBody,
          response: { 201: trunkSchema },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(principalOf(request), request.body)),
    );
    app.patch(
      '/trunks/:id',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Change a trunk',
          params: trunkIdParams,
          body: updateTrunkBody,
          response: { 200: trunkSchema },
        },
      },
      async (request) => service.update(principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/trunks/:id',
      { ...admin, schema: { tags, summary: 'Delete a trunk', params: trunkIdParams } },
      async (request, reply) => {
        await service.remove(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
