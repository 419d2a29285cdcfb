import type { Auth, Principal } from '../../http/auth.js';
import { principalOf } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { callIdParams, callListSchema, callSchema, clickToCallBody } from './calls.schemas.js';
import type { CallView } from './call-view.js';
import type { CallsService } from './calls.service.js';

/** Another feature's say on a call's view for this caller (supervision: who supervises it, for supervisors and admins). */
export type CallAnnotator = (call: CallView, principal: Principal) => Record<string, unknown>;

const tags = ['calls'];

export function callsRoutes(service: CallsService, auth: Auth, annotate?: CallAnnotator) {
  const shown = (call: CallView, principal: Principal) =>
    annotate ? { ...call, ...annotate(call, principal) } : call;
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
      async (request) => {
        const principal = principalOf(request);
        return { items: service.list(principal).map((call) => shown(call, principal)) };
      },
    );
    app.get(
      '/calls/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One live call', params: callIdParams, response: { 200: callSchema } },
      },
      async (request) => {
        const principal = principalOf(request);
        return shown(service.get(request.params.id, principal), principal);
      },
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
      async (request, reply) =>
        reply.status(201).send(await service.clickToCall(principalOf(request), request.body)),
    );
    app.delete(
      '/calls/:id',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'Hang a call up (admins, supervisors, or a participant)',
          params: callIdParams,
        },
      },
      async (request, reply) => {
        await service.hangup(request.params.id, principalOf(request));
        return reply.status(204).send();
      },
    );
  };
}
