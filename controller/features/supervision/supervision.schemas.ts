import { z } from 'zod';

const extension = z.string().regex(/^\d{3,5}$/, 'an extension: 3 to 5 digits');
const mode = z.enum(['monitor', 'whisper', 'barge']);

export const startBody = z
  .strictObject({
    targetExtension: extension.optional(),
    callId: z
      .string()
      .regex(/^[\w-]{1,64}$/, 'a call id')
      .optional(),
    supervisorExtension: extension,
    mode,
  })
  .refine((body) => Boolean(body.targetExtension) || Boolean(body.callId), {
    message: 'give targetExtension or callId',
  });

export const changeBody = z.strictObject({ mode });

export const sessionParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{1,32}$/, 'a supervision id') });

export const sessionSchema = z.object({
  id: z.string(),
  callId: z.string().nullable(),
  mode,
  state: z.enum(['ringing', 'waiting', 'building', 'active', 'refusing', 'ending', 'ended']),
  supervisorExtension: z.string(),
  supervisorUserId: z.string(),
  targetExtension: z.string(),
  targetUserId: z.string(),
  targetTeamId: z.string().nullable(),
  startedAt: z.string(),
  activeAt: z.string().nullable(),
});

export const sessionListSchema = z.object({ items: z.array(sessionSchema) });
