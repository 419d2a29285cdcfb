import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { userSetting, userSettingRoutes } from '../../http/user-setting-routes.js';
import type { MailboxSettingsService } from './mailbox-settings.service.js';
import {
  listMessagesQuery,
  mailboxBody,
  mailboxSchema,
  messageIdParams,
  messagePageSchema,
  messagePatchBody,
  messageSchema,
} from './voicemail.schemas.js';
import { sendWav } from '../../http/audio-reply.js';
import type { VoicemailService } from './voicemail.service.js';

const tags = ['voicemail'];

/** `GET|PUT /users/{id}/voicemail` and `/voicemail` (messages): who sees and changes what is the services' call. */
export function voicemailRoutes(settings: MailboxSettingsService, messages: VoicemailService, auth: Auth) {
  const settingRoutes = userSettingRoutes(auth, [
    userSetting({
      path: 'voicemail',
      name: 'Voicemail',
      summaries: {
        get: "A user's mailbox (the PIN is never returned)",
        set: 'Enable or disable a mailbox (admins), set its PIN (4-8 digits) and greeting (the user or an admin)',
      },
      body: mailboxBody,
      view: mailboxSchema,
      get: (principal, id) => settings.get(principal, id),
      set: (principal, id, body) => settings.set(principal, id, body),
    }),
  ]);
  return async (app: Server) => {
    await app.register(settingRoutes);
    const anyone = { onRequest: auth.allow() };
    app.get(
      '/voicemail',
      {
        ...anyone,
        schema: {
          tags,
          summary:
            'Voicemail messages, newest first (agents: their own; supervisors: their team; admins: all)',
          querystring: listMessagesQuery,
          response: { 200: messagePageSchema },
        },
      },
      async (request) => messages.list(principalOf(request), request.query),
    );
    app.get(
      '/voicemail/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One message', params: messageIdParams, response: { 200: messageSchema } },
      },
      async (request) => messages.get(principalOf(request), request.params.id),
    );
    app.get(
      '/voicemail/:id/audio',
      {
        ...anyone,
        schema: {
          tags,
          summary: "A message's audio (audio/wav; Range requests answer 206)",
          params: messageIdParams,
        },
      },
      async (request, reply) => {
        const file = await messages.audio(principalOf(request), request.params.id);
        return sendWav(reply, request.headers.range, file).reply;
      },
    );
    app.patch(
      '/voicemail/:id',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'Mark a message heard or not heard (the owner or an admin)',
          params: messageIdParams,
          body: messagePatchBody,
          response: { 200: messageSchema },
        },
      },
      async (request) => messages.setHeard(principalOf(request), request.params.id, request.body.heard),
    );
    app.delete(
      '/voicemail/:id',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'Delete a message and its audio (the owner or an admin)',
          params: messageIdParams,
        },
      },
      async (request, reply) => {
        await messages.delete(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
