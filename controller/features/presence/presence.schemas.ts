import { z } from 'zod';
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
