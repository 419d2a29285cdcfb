import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';

const fallbackKind = z.enum(['extension', 'external', 'hangup']);

export const inboundRouteSchema = z.object({
  id: z.uuid(),
  did: z.string().describe('the dialled number, E.164'),
  teamId: z.uuid(),
  assignedRingSeconds: z.number().int(),
  fallback: z.object({ kind: fallbackKind, target: z.string().optional() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const assignedRingSeconds = z
  .number()
  .int()
  .min(0)
  .max(300)
  .describe("how long the contact's assigned agents ring before the whole team rings too");

export const inboundRouteBody = z.strictObject({
  did: z.string().trim().min(1).max(40).describe('any written form; stored in E.164'),
  teamId: z.uuid(),
  assignedRingSeconds: assignedRingSeconds.default(30),
  fallback: z
    .strictObject({
      kind: fallbackKind,
      target: z.string().trim().min(1).max(40).optional(),
    })
    .describe('when nobody is available or nobody answers: an extension, an outside number, or a prompt and hang-up'),
});
export type InboundRouteBody = z.infer<typeof inboundRouteBody>;
/** PATCH: the same fields, each optional, no defaults (an absent field stays as it is). */
export const inboundRoutePatch = inboundRouteBody.extend({ assignedRingSeconds }).partial();

export const inboundRouteIdParams = z.object({ id: z.uuid() });
export const listInboundRoutesQuery = z.strictObject({ ...pageQueryShape });
export const inboundRoutePageSchema = pageSchema(inboundRouteSchema);
