import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { listTeamsQuery, teamBody, teamIdParams, teamPageSchema, teamSchema } from './teams.schemas.js';
import type { TeamsService } from './teams.service.js';

const tags = ['teams'];

export function teamsRoutes(service: TeamsService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    const admin = { onRequest: auth.allow('admin') };
    app.get(
      '/teams',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'List teams (non-admins: their own)',
          querystring: listTeamsQuery,
          response: { 200: teamPageSchema },
        },
      },
      async (request) => service.list(principalOf(request), request.query),
    );
    app.get(
      '/teams/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One team', params: teamIdParams, response: { 200: teamSchema } },
      },
      async (request) => service.get(principalOf(request), request.params.id),
    );
    app.post(
      '/teams',
      { ...admin, schema: { tags, summary: 'Create a team', body: teamBody, response: { 201: teamSchema } } },
      async (request, reply) =>
        reply.status(201).send(await service.create(principalOf(request), request.body.name)),
    );
    app.patch(
      '/teams/:id',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Rename a team',
          params: teamIdParams,
          body: teamBody,
          response: { 200: teamSchema },
        },
      },
      async (request) => service.update(principalOf(request), request.params.id, request.body.name),
    );
    app.delete(
      '/teams/:id',
      {
        ...admin,
        schema: { tags, summary: 'Delete a team (it must have no members)', params: teamIdParams },
      },
      async (request, reply) => {
        await service.remove(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
