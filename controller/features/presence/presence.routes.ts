import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  idParams,
  presenceListSchema,
  presenceSchema,
  statusBody,
  statusSchema,
  userParams,
} from './presence.schemas.js';
import type { PresenceStatusService } from './presence-status.service.js';
import type { PresenceService } from './presence.service.js';

const tags = ['presence'];

/**
 * `GET /presence`, `GET /presence/{userId}`: every role, narrowed to the users one may see (`presence.access.ts`).
 * `PUT /users/{id}/presence-status`: the user or an admin.
 */
export function presenceRoutes(service: PresenceService, status: PresenceStatusService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    app.get(
      '/presence',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'listPresence',
          summary: 'Presence of the users you may see (from Asterisk registrations, channels and DND)',
          response: { 200: presenceListSchema },
        },
      },
      async (request) => ({ items: await service.listFor(principalOf(request)) }),
    );
    app.get(
      '/presence/:userId',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'getPresence',
          summary: "A user's presence",
          params: userParams,
          response: { 200: presenceSchema },
        },
      },
      async (request) => service.getFor(principalOf(request), request.params.userId),
    );
    app.put(
      '/users/:id/presence-status',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'setPresenceStatus',
          summary:
            'Set or clear your free-text status ("at lunch", at most 100 characters; admins anyone\'s)',
          params: idParams,
          body: statusBody,
          response: { 200: statusSchema },
        },
      },
      async (request) => status.set(principalOf(request), request.params.id, request.body.status),
    );
  };
}
