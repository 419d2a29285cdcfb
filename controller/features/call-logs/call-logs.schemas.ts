import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';
import { storedQualitySchema } from '../quality/quality.schemas.js';

export const callLogSchema = z.object({
  id: z.uuid(),
  callId: z.string(),
  direction: z.enum(['internal', 'inbound', 'outbound']),
  from: z.string(),
  fromName: z.string(),
  to: z.string(),
  callerUserId: z.uuid().nullable(),
  answeredBy: z.string().nullable().describe('the extension that answered'),
  answeredByUserId: z.uuid().nullable(),
  contactId: z.uuid().nullable(),
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  disposition: z
    .enum([
      'answered',
      'busy',
      'no-answer',
      'unavailable',
      'unknown-number',
      'cancelled',
      'failed',
      'voicemail',
      'transferred',
    ])
    .nullable(),
  forwardPath: z
    .array(z.string())
    .describe('a forwarded call: the dialled extension, then each forward target (empty: not forwarded)'),
  trunkId: z.uuid().nullable().describe('the trunk an outside call used'),
  did: z.string().nullable().describe('the number an inbound call dialled (E.164)'),
  rungAgents: z.array(z.uuid()).describe('every agent the call rang'),
  routingPath: z
    .array(z.string())
    .describe("a routed call's steps as they happened: assigned, team, fallback"),
  transfer: z
    .object({
      by: z.string().describe('the extension that transferred'),
      to: z.string().describe('the number the transferee was transferred to'),
      kind: z.enum(['blind', 'attended']),
      callId: z.string().describe('the other call of the transfer (the call before it, or the one it continued in)'),
    })
    .nullable()
    .describe('a call of a transfer'),
  durationSeconds: z.number().int().nullable().describe('talk time, answer to end'),
  /** Issue 17: the RTP quality of each leg, sampled while the call ran. */
  quality: storedQualitySchema,
  recording: z
    .object({
      id: z.uuid(),
      state: z.enum(['recording', 'stopped', 'failed']),
      durationSeconds: z.number(),
      segments: z.number().int().describe('how many times it was started'),
    })
    .nullable()
    .describe(
      "the call's recording (GET /api/recordings/{id}, its audio at /api/recordings/{id}/audio), if any",
    ),
});

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const listCallLogsQuery = z
  .strictObject({
    from: instant.optional().describe('started at or after (ISO-8601)'),
    to: instant.optional().describe('started before (ISO-8601)'),
    extension: z
      .string()
      .regex(/^\d{3,5}$/, '3 to 5 digits')
      .optional(),
    agent: z.uuid().optional().describe('placed by, answered by or rung for this user'),
    contact: z.uuid().optional(),
    direction: z.enum(['internal', 'inbound', 'outbound']).optional(),
    disposition: z
      .enum([
        'answered',
        'busy',
        'no-answer',
        'unavailable',
        'unknown-number',
        'cancelled',
        'failed',
        'voicemail',
        'transferred',
      ])
      .optional(),
    callId: z
      .string()
      .regex(/^[\w.:-]{1,100}$/, "a call's id")
      .optional()
      .describe(
        "the log of this live call's id (GET /api/calls, call.* events): notes typed during the call",
      ),
    ...pageQueryShape,
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });

export const callLogIdParams = z.object({ id: z.uuid() });
export const callLogNoteParams = z.object({ id: z.uuid(), noteId: z.uuid() });
export const callLogPageSchema = pageSchema(callLogSchema);
