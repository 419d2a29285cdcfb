import { z } from 'zod';
import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import type { DndService } from './dnd.service.js';

const tags = ['users'];
const params = z.object({ id: z.uuid() });
const dndBody = z.strictObject({ enabled: z.boolean() });
const dndSchema = z.object({ userId: z.uuid(), extension: z.string(), enabled: z.boolean() });

/** `GET|PUT /users/{id}/dnd`: the user, their team's supervisor, admins. */
export function dndRoutes(service: DndService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    app.get(
      '/users/:id/dnd',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'getUserDnd',
          summary: "A user's do not disturb",
          params,
          response: { 200: dndSchema },
        },
      },
      async (request) => service.get(principalOf(request), request.params.id),
    );
    app.put(
      '/users/:id/dnd',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'setUserDnd',
          summary: 'Turn do not disturb on or off (paging skips the user unless it is an emergency)',
          params,
          body: dndBody,
          response: { 200: dndSchema },
        },
      },
      async (request) => service.set(principalOf(request), request.params.id, request.body.enabled),
    );
  };
}
