import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  contactIdParams,
  contactNoteParams,
  contactPageSchema,
  contactSchema,
  createContactBody,
  listContactsQuery,
  lookupQuery,
  noteBody,
  notePageSchema,
  noteSchema,
  pageQuery,
  updateContactBody,
} from './contacts.schemas.js';
import type { ContactsService } from './contacts.service.js';

const tags = ['contacts'];

export function contactsRoutes(service: ContactsService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    const writers = { onRequest: auth.allow('admin', 'supervisor') };
    app.get(
      '/contacts',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'List contacts (agents: those assigned to them); q searches name, company and numbers',
          querystring: listContactsQuery,
          response: { 200: contactPageSchema },
        },
      },
      async (request) => {
        const { q, ...page } = request.query;
        return service.list(principalOf(request), q, page);
      },
    );
    app.get(
      '/contacts/lookup',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'The contact with a caller number (any format)',
          querystring: lookupQuery,
          response: { 200: contactSchema },
        },
      },
      async (request) => service.lookup(principalOf(request), request.query.number),
    );
    app.get(
      '/contacts/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One contact', params: contactIdParams, response: { 200: contactSchema } },
      },
      async (request) => service.get(principalOf(request), request.params.id),
    );
    app.post(
      '/contacts',
      {
        ...writers,
        schema: {
          tags,
          summary: 'Create a contact',
          body: createContactBody,
          response: { 201: contactSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.create(principalOf(request), request.body)),
    );
    app.patch(
      '/contacts/:id',
      {
        ...writers,
        schema: {
          tags,
          summary: 'Change a contact',
          params: contactIdParams,
          body: updateContactBody,
          response: { 200: contactSchema },
        },
      },
      async (request) => service.update(principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/contacts/:id',
      { ...writers, schema: { tags, summary: 'Delete a contact', params: contactIdParams } },
      async (request, reply) => {
        await service.remove(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
    app.get(
      '/contacts/:id/notes',
      {
        ...anyone,
        schema: {
          tags,
          summary: "A contact's notes, newest first",
          params: contactIdParams,
          querystring: pageQuery,
          response: { 200: notePageSchema },
        },
      },
      async (request) => service.notes(principalOf(request), request.params.id, request.query),
    );
    app.post(
      '/contacts/:id/notes',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'Add a note to a contact',
          params: contactIdParams,
          body: noteBody,
          response: { 201: noteSchema },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.addNote(principalOf(request), request.params.id, request.body.body)),
    );
    app.patch(
      '/contacts/:id/notes/:noteId',
      {
        ...anyone,
        schema: {
          tags,
          summary: "Edit a contact's note (its author; a supervisor of the contact's team; admins)",
          params: contactNoteParams,
          body: noteBody,
          response: { 200: noteSchema },
        },
      },
      async (request) =>
        service.editNote(principalOf(request), request.params.id, request.params.noteId, request.body.body),
    );
  };
}
