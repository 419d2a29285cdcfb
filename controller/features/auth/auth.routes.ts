import { AppError } from '../../errors.js';
import { accessOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  loginBody,
  loginResponse,
  logoutBody,
  refreshBody,
  refreshResponse,
  ticketResponse,
} from './auth.schemas.js';
import type { AuthService } from './auth.service.js';

const tags = ['auth'];

export function authRoutes(service: AuthService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    app.post(
      '/auth/login',
      {
        schema: {
          tags,
          summary: 'Exchange a username and password for a token pair',
          security: [],
          body: loginBody,
          response: { 200: loginResponse },
        },
      },
      async (request, reply) => {
        try {
          return await service.login(request.body.username, request.body.password, request.ip);
        } catch (error) {
          const retryAfter = error instanceof AppError && retryAfterOf(error.details);
          if (retryAfter) reply.header('retry-after', String(retryAfter));
          throw error;
        }
      },
    );
    app.post(
      '/auth/refresh',
      {
        schema: {
          tags,
          summary: 'Exchange a refresh token (once) for the next token pair',
          security: [],
          body: refreshBody,
          response: { 200: refreshResponse },
        },
      },
      async (request) => service.refresh(request.body.refreshToken),
    );
    app.post(
      '/auth/logout',
      {
        ...anyone,
        schema: { tags, summary: "End this session's tokens (or every session's)", body: logoutBody },
      },
      async (request, reply) => {
        await service.logout(accessOf(request), request.body?.everywhere ?? false);
        return reply.status(204).send();
      },
    );
    app.post(
      '/events/ticket',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'A one-time ticket for opening the /api/events WebSocket (browsers cannot send headers)',
          response: { 200: ticketResponse },
        },
      },
      async (request) => service.eventsTicket(accessOf(request)),
    );
  };
}

function retryAfterOf(details: unknown): number | undefined {
  const value = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof value === 'number' ? value : undefined;
}
