import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import type { ContactAssignmentsService } from './contact-assignments.service.js';
import {
  assignmentBody,
  assignmentPageSchema,
  assignmentParams,
  assignmentSchema,
  contactIdParams,
  pageQuery,
} from './contacts.schemas.js';

const tags = ['contacts'];

export function contactAssignmentsRoutes(service: ContactAssignmentsService, auth: Auth) {
  return async (app: Server) => {
    const managers = { onRequest: auth.allow('admin', 'supervisor') };
    app.get(
      '/contacts/:id/assignments',
      {
        ...managers,
        schema: {
          tags,
          summary: 'The agents a contact is assigned to',
          params: contactIdParams,
          querystring: pageQuery,
          response: { 200: assignmentPageSchema },
        },
      },
      async (request) => service.list(principalOf(request), request.params.id, request.query),
    );
    app.put(
      '/contacts/:id/assignments/:userId',
      {
        ...managers,
        schema: {
          tags,
          summary: 'Assign a contact to a user, or change whether the assignment is active',
          params: assignmentParams,
          body: assignmentBody,
          response: { 200: assignmentSchema },
        },
      },
      async (request) =>
        service.put(principalOf(request), request.params.id, request.params.userId, request.body.active),
    );
    app.delete(
      '/contacts/:id/assignments/:userId',
      { ...managers, schema: { tags, summary: 'Remove an assignment', params: assignmentParams } },
      async (request, reply) => {
        await service.remove(principalOf(request), request.params.id, request.params.userId);
        return reply.status(204).send();
      },
    );
  };
}
