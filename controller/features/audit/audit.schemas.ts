import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorUserId: z.uuid().nullable(),
  actor: z.string(),
  action: z.string(),
  target: z.string().describe('`user:<id>`, `device:<id>`, `team:<id>`, …'),
  details: z.record(z.string(), z.unknown()),
});

export const listAuditQuery = z.strictObject({
  action: z
    .string()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?$/, 'an action such as user.created, or a prefix such as user.*')
    .optional(),
  actor: z.string().min(1).max(100).optional().describe("the actor's user id or username"),
  target: z
    .string()
    .regex(/^[a-z-]+:[\w.:-]{1,100}$/, 'a target such as user:<id> or call:<id>')
    .optional()
    .describe('exactly this target (`user:<id>`, `call:<id>`, …)'),
  since: z.iso.datetime({ offset: true }).optional().describe('entries at or after this time'),
  until: z.iso.datetime({ offset: true }).optional().describe('entries before this time'),
  ...pageQueryShape,
});

export const auditPageSchema = pageSchema(auditEntrySchema);
