import type { Auth } from '../../http/auth.js';
import { principalOf } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { callIdParams, callListSchema, callSchema, clickToCallBody } from './calls.schemas.js';
import type { CallsService } from './calls.service.js';

const tags = ['calls'];

export function callsRoutes(service: CallsService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };

    app.get(
      '/calls',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'Live calls: every call for admins and supervisors, their own for agents',
          response: { 200: callListSchema },
        },
      },
      async (request) => ({ items: service.list(principalOf(request)) }),
    );
    app.get(
      '/calls/:id',
      { ...anyone, schema: { tags, summary: 'One live call', params: callIdParams, response: { 200: callSchema } } },
      async (request) => service.get(request.params.id, principalOf(request)),
    );
    app.post(
      '/calls',
      {
        ...anyone,
        schema: {
          tags,
          summary: "Click to call: rings the caller's own devices, then the number, and connects them",
          body: clickToCallBody,
          response: { 201: callSchema },
        },
      },
      async (request, reply) => reply.status(201).send(await service.clickToCall(principalOf(request), request.body)),
    );
    app.delete(
      '/calls/:id',
      { ...anyone, schema: { tags, summary: 'Hang a call up (admins, supervisors, or a participant)', params: callIdParams } },
      async (request, reply) => {
        await service.hangup(request.params.id, principalOf(request));
        return reply.status(204).send();
      },
    );
  };
}
