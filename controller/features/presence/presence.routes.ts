import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { presenceListSchema, presenceSchema, userParams } from './presence.schemas.js';
import type { PresenceService } from './presence.service.js';

const tags = ['presence'];

/** `GET /presence`, `GET /presence/{userId}`: every role, narrowed to the users one may see (`presence.access.ts`). */
export function presenceRoutes(service: PresenceService, auth: Auth) {
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
  };
}
