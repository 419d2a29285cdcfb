import type { Auth } from '../../http/auth.js';
import { principalOf } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  changeBody,
  sessionListSchema,
  sessionParams,
  sessionSchema,
  startBody,
} from './supervision.schemas.js';
import type { SupervisionService } from './supervision.service.js';

const tags = ['supervision'];

/** Supervisors and admins only; who may supervise whom is the access rule's (supervision.access.ts). */
export function supervisionRoutes(service: SupervisionService, auth: Auth) {
  return async (app: Server) => {
    const supervisors = { onRequest: auth.allow('admin', 'supervisor') };
    app.get(
      '/supervision',
      {
        ...supervisors,
        schema: {
          tags,
          summary: 'Live supervision sessions you may see',
          response: { 200: sessionListSchema },
        },
      },
      async (request) => ({ items: service.list(principalOf(request)) }),
    );
    app.post(
      '/supervision',
      {
        ...supervisors,
        schema: {
          tags,
          summary:
            "Ring the supervisor's devices (auto-answer) and supervise the agent's call (monitor, whisper or barge) once answered",
          body: startBody,
          response: { 201: sessionSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.create(principalOf(request), request.body)),
    );
    app.patch(
      '/supervision/:id',
      {
        ...supervisors,
        schema: {
          tags,
          summary: 'Switch mode, make-before-break (the new audio path is built before the old one goes)',
          params: sessionParams,
          body: changeBody,
          response: { 200: sessionSchema },
        },
      },
      async (request) => service.change(request.params.id, principalOf(request), request.body.mode),
    );
    app.delete(
      '/supervision/:id',
      {
        ...supervisors,
        schema: { tags, summary: 'End a session (the call goes on)', params: sessionParams },
      },
      async (request, reply) => {
        await service.end(request.params.id, principalOf(request));
        return reply.status(204).send();
      },
    );
  };
}
