import { z } from 'zod';
import { statusProblem } from './presence.rules.js';
import { presenceStates } from './presence.types.js';

export const presenceSchema = z.object({
  userId: z.uuid(),
  extension: z.string(),
  displayName: z.string(),
  teamId: z.uuid().nullable(),
  state: z.enum(presenceStates as [string, ...string[]]),
  since: z.string(),
  lastSeenAt: z.string().nullable(),
  devices: z.array(z.object({ account: z.string(), registered: z.boolean() })),
  dnd: z.boolean(),
  status: z.string().nullable(),
  stale: z.boolean(),
});

export const presenceListSchema = z.object({ items: z.array(presenceSchema) });

export const userParams = z.object({ userId: z.uuid() });

export const idParams = z.object({ id: z.uuid() });

/** `{status}`: free text of at most 100 characters (trimmed; blank or null clears it). */
export const statusBody = z.strictObject({
  status: z
    .string()
    .nullable()
    .superRefine((value, ctx) => {
      const problem = value === null ? undefined : statusProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
});

export const statusSchema = z.object({ userId: z.uuid(), status: z.string().nullable() });
