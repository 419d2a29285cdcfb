import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import type { HandlingSettingsService } from './handling-settings.service.js';
import {
  forwardingBody,
  forwardingSchema,
  ringSettingsBody,
  ringSettingsSchema,
  userParams as params,
} from './handling.schemas.js';

const tags = ['users'];

/** `GET|PUT /users/{id}/forwarding` and `/users/{id}/ring-settings`: read as a user is read, changed by them or admins. */
export function handlingRoutes(service: HandlingSettingsService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    app.get(
      '/users/:id/forwarding',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'getUserForwarding',
          summary: "A user's call forwarding",
          params,
          response: { 200: forwardingSchema },
        },
      },
      async (request) => service.getForwarding(principalOf(request), request.params.id),
    );
    app.put(
      '/users/:id/forwarding',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'setUserForwarding',
          summary:
            'Forward always, on busy, on no answer after noAnswerSeconds (each an extension or null; absent fields stay)',
          params,
          body: forwardingBody,
          response: { 200: forwardingSchema },
        },
      },
      async (request) => service.setForwarding(principalOf(request), request.params.id, request.body),
    );
    app.get(
      '/users/:id/ring-settings',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'getUserRingSettings',
          summary: "A user's ring strategy, targets and schedule",
          params,
          response: { 200: ringSettingsSchema },
        },
      },
      async (request) => service.getRingSettings(principalOf(request), request.params.id),
    );
    app.put(
      '/users/:id/ring-settings',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'setUserRingSettings',
          summary: 'Replace the ring strategy, targets and schedule (an empty target list: every account at once)',
          params,
          body: ringSettingsBody,
          response: { 200: ringSettingsSchema },
        },
      },
      async (request) => service.setRingSettings(principalOf(request), request.params.id, request.body),
    );
  };
}
