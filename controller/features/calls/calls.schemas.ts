import { z } from 'zod';

const party = z.object({ number: z.string(), name: z.string(), userId: z.string().nullable() });

export const callSchema = z.object({
  id: z.string(),
  state: z.enum(['dialing', 'ringing', 'answered', 'ending', 'ended']),
  direction: z.enum(['internal']),
  from: party,
  to: party,
  answeredBy: z.object({ userId: z.string().nullable(), extension: z.string(), name: z.string() }).nullable(),
  startedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  disposition: z.string().nullable(),
  channels: z.array(
    z.object({
      id: z.string(),
      role: z.enum(['caller', 'origin', 'callee', 'handoff']),
      endpoint: z.string(),
      state: z.enum(['dialing', 'ringing', 'up', 'gone']),
    }),
  ),
  ringing: z.array(z.string()).describe('extensions whose devices ring now'),
  ringingUserIds: z.array(z.string()),
  /** Who supervises the call and how: shown to admins and supervisors only (issue 10), absent for agents. */
  supervisedBy: z
    .array(
      z.object({
        sessionId: z.string(),
        supervisorExtension: z.string(),
        targetExtension: z.string(),
        mode: z.enum(['monitor', 'whisper', 'barge']),
      }),
    )
    .optional(),
});

export const callListSchema = z.object({ items: z.array(callSchema) });

export const callIdParams = z.strictObject({ id: z.string().regex(/^[\w-]{1,64}$/, 'a call id') });

const number = z.string().regex(/^\d{3,5}$/, 'an extension: 3 to 5 digits');

export const clickToCallBody = z.strictObject({
  /** The extension whose devices ring first; default the caller's own (only admins may pick another). */
  from: number.optional(),
  to: number,
});
