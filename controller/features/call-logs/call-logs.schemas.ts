import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';

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
    .enum(['answered', 'busy', 'no-answer', 'unavailable', 'unknown-number', 'cancelled', 'failed'])
    .nullable(),
  forwardPath: z
    .array(z.string())
    .describe('a forwarded call: the dialled extension, then each forward target (empty: not forwarded)'),
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
    ...pageQueryShape,
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });

export const callLogIdParams = z.object({ id: z.uuid() });
export const callLogPageSchema = pageSchema(callLogSchema);
