import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { noteBody, notePageSchema, noteSchema, pageQuery } from '../contacts/contacts.schemas.js';
import {
  callLogIdParams,
  callLogNoteParams,
  callLogPageSchema,
  callLogSchema,
  listCallLogsQuery,
} from './call-logs.schemas.js';
import type { CallLogsService } from './call-logs.service.js';

const tags = ['call-logs'];

export function callLogsRoutes(service: CallLogsService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    app.get(
      '/call-logs',
      {
        ...anyone,
        schema: {
          tags,
          summary:
            'Call history, newest first (admins: all; supervisors: their team; agents: calls they placed, answered or were rung for); filters agent, contact, direction, disposition, from/to',
          querystring: listCallLogsQuery,
          response: { 200: callLogPageSchema },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        return service.list(principalOf(request), filter, { limit, cursor });
      },
    );
    app.get(
      '/call-logs/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One call log', params: callLogIdParams, response: { 200: callLogSchema } },
      },
      async (request) => service.get(principalOf(request), request.params.id),
    );
    app.get(
      '/call-logs/:id/notes',
      {
        ...anyone,
        schema: {
          tags,
          summary: "A call's notes, newest first",
          params: callLogIdParams,
          querystring: pageQuery,
          response: { 200: notePageSchema },
        },
      },
      async (request) => service.notes(principalOf(request), request.params.id, request.query),
    );
    app.post(
      '/call-logs/:id/notes',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'Add a note to a call',
          params: callLogIdParams,
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
      '/call-logs/:id/notes/:noteId',
      {
        ...anyone,
        schema: {
          tags,
          summary: "Edit a call's note (who handled the call edits their own notes; their supervisor and admins any)",
          params: callLogNoteParams,
          body: noteBody,
          response: { 200: noteSchema },
        },
      },
      async (request) =>
        service.editNote(principalOf(request), request.params.id, request.params.noteId, request.body.body),
    );
  };
}
