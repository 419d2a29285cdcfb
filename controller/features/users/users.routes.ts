import type { Auth } from '../../http/auth.js';
import { principalOf } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  createUserBody,
  listUsersQuery,
  sipCredentialsSchema,
  updateUserBody,
  userIdParams,
  userPageSchema,
  userSchema,
} from './users.schemas.js';
import type { UsersService } from './users.service.js';

const tags = ['users'];

export function usersRoutes(service: UsersService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    const admin = { onRequest: auth.allow('admin') };

    app.get(
      '/users',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'List users: all for admins, their team for supervisors, themselves for agents',
          querystring: listUsersQuery,
          response: { 200: userPageSchema },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        return service.list(principalOf(request), filter, { limit, cursor });
      },
    );
    app.get(
      '/users/me',
      { ...anyone, schema: { tags, summary: 'The caller', response: { 200: userSchema } } },
      async (request) => service.me(principalOf(request)),
    );
    app.get(
      '/users/me/sip-credentials',
      {
        ...anyone,
        schema: {
          tags,
          summary: "The caller's own SIP accounts (webphone and desk phone); nobody else's are readable",
          response: { 200: sipCredentialsSchema },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return service.mySipCredentials(principalOf(request));
      },
    );
    app.get(
      '/users/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One user', params: userIdParams, response: { 200: userSchema } },
      },
      async (request) => service.get(principalOf(request), request.params.id),
    );
    app.post(
      '/users',
      {
        ...admin,
        schema: { tags, summary: 'Create a user', body: createUserBody, response: { 201: userSchema } },
      },
      async (request, reply) =>
        reply.status(201).send(await service.create(principalOf(request), request.body)),
    );
    app.patch(
      '/users/:id',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Change a user',
          params: userIdParams,
          body: updateUserBody,
          response: { 200: userSchema },
        },
      },
      async (request) => service.update(principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/users/:id',
      { ...admin, schema: { tags, summary: 'Delete a user', params: userIdParams } },
      async (request, reply) => {
        await service.remove(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
