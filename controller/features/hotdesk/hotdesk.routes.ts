import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { AppError } from '../../errors.js';
import { loginBody, logoutBody, sessionListSchema, sessionSchema } from './hotdesk.schemas.js';
import type { HotdeskService } from './hotdesk.service.js';

const tags = ['hotdesk'];

/**
 * `/hotdesk`: every role. A user logs themselves in with their PIN (admins anyone, without one); the session's user
 * or an admin logs a device out; the list shows the sessions of the users one may see.
 */
export function hotdeskRoutes(service: HotdeskService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    app.get(
      '/hotdesk/sessions',
      {
        ...anyone,
        schema: { tags, summary: 'Live hot desk sessions you may see', response: { 200: sessionListSchema } },
      },
      async (request) => ({ items: await service.list(principalOf(request)) }),
    );
    app.post(
      '/hotdesk/login',
      {
        ...anyone,
        schema: {
          tags,
          summary:
            'Log a user in on a hot desk device: yourself with your PIN, or (admins) anyone without one; ends their session on another desk',
          body: loginBody,
          response: { 200: sessionSchema },
        },
      },
      async (request, reply) => {
        try {
          return await service.login(request.body, { kind: 'api', principal: principalOf(request) });
        } catch (error) {
          const retryAfter = error instanceof AppError && retryAfterOf(error.details);
          if (retryAfter) reply.header('retry-after', String(retryAfter));
          throw error;
        }
      },
    );
    app.post(
      '/hotdesk/logout',
      {
        ...anyone,
        schema: { tags, summary: 'Log a hot desk device out (its user, or an admin)', body: logoutBody },
      },
      async (request, reply) => {
        await service.logout(request.body.deviceId, { kind: 'api', principal: principalOf(request) });
        return reply.status(204).send();
      },
    );
  };
}

function retryAfterOf(details: unknown): number | undefined {
  const value = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof value === 'number' && value > 0 ? value : undefined;
}
