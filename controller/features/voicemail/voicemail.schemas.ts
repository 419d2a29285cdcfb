import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';
import { PIN_PATTERN } from './voicemail.rules.js';

const greeting = z
  .enum(['standard', 'recorded'])
  .describe(
    'standard: "the person at extension … is unavailable"; recorded: the one recorded from the phone (*97, 0)',
  );

export const mailboxBody = z.strictObject({
  enabled: z.boolean().describe('only admins change it'),
  pin: z.string().regex(PIN_PATTERN, '4 to 8 digits').optional().describe('write-only; needed to enable'),
  greeting: greeting.optional(),
});

export const mailboxSchema = z.object({
  userId: z.uuid(),
  extension: z.string(),
  enabled: z.boolean(),
  hasPin: z.boolean(),
  greeting,
  hasRecordedGreeting: z.boolean(),
});

export const messageSchema = z.object({
  id: z.uuid(),
  mailboxUserId: z.uuid(),
  from: z.string(),
  fromName: z.string(),
  to: z.string(),
  callId: z.string().nullable(),
  receivedAt: z.string(),
  durationSeconds: z.number().int(),
  heard: z.boolean(),
});

export const messagePageSchema = pageSchema(messageSchema);
export const listMessagesQuery = z.strictObject({
  ...pageQueryShape,
  mailboxUserId: z.uuid().optional().describe("only this user's mailbox (within what the caller may read)"),
});
export const messageIdParams = z.object({ id: z.uuid() });
export const messagePatchBody = z.strictObject({ heard: z.boolean() });
