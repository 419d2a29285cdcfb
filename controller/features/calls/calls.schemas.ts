import { z } from 'zod';
import { liveQualitySchema } from '../quality/quality.schemas.js';

const party = z.object({ number: z.string(), name: z.string(), userId: z.string().nullable() });

export const callSchema = z.object({
  id: z.string(),
  state: z.enum(['dialing', 'ringing', 'answered', 'ending', 'ended']),
  direction: z.enum(['internal', 'inbound']),
  from: party,
  to: party,
  answeredBy: z
    .object({ userId: z.string().nullable(), extension: z.string(), name: z.string(), displayName: z.string() })
    .nullable(),
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
  rungUserIds: z.array(z.string()).describe('every user a leg of the call rang so far'),
  routing: z
    .object({
      did: z.string(),
      trunkId: z.string().nullable(),
      teamId: z.string(),
      path: z.array(z.enum(['assigned', 'team', 'fallback'])),
    })
    .nullable()
    .describe('a call from a trunk routed to a team'),
  contact: z
    .object({
      id: z.string(),
      name: z.string(),
      company: z.string(),
      assignedAgents: z.array(z.object({ userId: z.string(), extension: z.string(), displayName: z.string() })),
      latestNotes: z.array(z.object({ body: z.string(), createdAt: z.string(), author: z.string().nullable() })),
    })
    .nullable()
    .describe("the caller's contact card (a routed call whose caller ID matched a contact)"),
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
  /** Live RTP quality per answered leg (issue 17): supervisors and admins only, absent for agents. */
  quality: liveQualitySchema.optional(),
});

export const callListSchema = z.object({ items: z.array(callSchema) });

export const callIdParams = z.strictObject({ id: z.string().regex(/^[\w-]{1,64}$/, 'a call id') });

const number = z.string().regex(/^\d{3,5}$/, 'an extension: 3 to 5 digits');

export const clickToCallBody = z.strictObject({
  /** The extension whose devices ring first; default the caller's own (only admins may pick another). */
  from: number.optional(),
  to: z
    .string()
    .trim()
    .regex(/^(\d{3,5}|\+?[\d\s().-]{7,24})$/, 'an extension (3 to 5 digits) or a phone number')
    .describe('an extension, or an outside number (any written form; a contact\'s number is refused while another agent talks to or calls that contact: 409 contact-busy)'),
});
