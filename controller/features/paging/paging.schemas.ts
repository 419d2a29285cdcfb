import { z } from 'zod';

/** A paging number, 800-899 (the numbering plan's paging range); given as a string or an integer, kept a string. */
export const pagingNumber = z
  .union([z.string(), z.number().int()])
  .transform((value) => String(value))
  .pipe(z.string().regex(/^8\d\d$/, 'a paging number: 800 to 899'));

const extension = z.string().regex(/^\d{3,5}$/, 'an extension: 3 to 5 digits');
const name = z.string().trim().min(1).max(100);
const noDuplicates = <T>(list: T[]) => new Set(list).size === list.length;

export const priorityEnum = z.enum(['normal', 'emergency']);
const busyPolicy = z.enum(['skip', 'force']);
const maxSeconds = z.number().int().min(1).max(3600);
const members = z.array(extension).max(1000).refine(noDuplicates, 'each member once');
const groupIds = z.array(z.uuid()).max(100).refine(noDuplicates, 'each group once');

export const pagingGroupSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  name: z.string(),
  members: z.array(z.string()),
  everyone: z.boolean(),
  priority: priorityEnum,
  busyPolicy,
  beep: z.boolean(),
  maxSeconds: z.number(),
});

export const pagingZoneSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  name: z.string(),
  groupIds: z.array(z.uuid()),
});

/** Defaults: no members, not everyone, normal priority, skip the busy, a beep, 60 s at most. */
export const createGroupBody = z.strictObject({
  number: pagingNumber,
  name,
  members: members.default([]),
  everyone: z.boolean().default(false),
  priority: priorityEnum.default('normal'),
  busyPolicy: busyPolicy.default('skip'),
  beep: z.boolean().default(true),
  maxSeconds: maxSeconds.default(60),
});

export const updateGroupBody = z
  .strictObject({
    number: pagingNumber.optional(),
    name: name.optional(),
    members: members.optional(),
    everyone: z.boolean().optional(),
    priority: priorityEnum.optional(),
    busyPolicy: busyPolicy.optional(),
    beep: z.boolean().optional(),
    maxSeconds: maxSeconds.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

export const createZoneBody = z.strictObject({ number: pagingNumber, name, groupIds: groupIds.default([]) });

export const updateZoneBody = z
  .strictObject({ number: pagingNumber.optional(), name: name.optional(), groupIds: groupIds.optional() })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

export const idParams = z.object({ id: z.uuid() });
export const groupListSchema = z.object({ items: z.array(pagingGroupSchema) });
export const zoneListSchema = z.object({ items: z.array(pagingZoneSchema) });

export type CreateGroupBody = z.infer<typeof createGroupBody>;
export type UpdateGroupBody = z.infer<typeof updateGroupBody>;
export type CreateZoneBody = z.infer<typeof createZoneBody>;
export type UpdateZoneBody = z.infer<typeof updateZoneBody>;

export const pageBody = z
  .strictObject({
    number: pagingNumber.optional(),
    groupId: z.uuid().optional(),
    zoneId: z.uuid().optional(),
    fromExtension: extension,
    priority: priorityEnum.optional(),
  })
  .refine((body) => [body.number, body.groupId, body.zoneId].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of number, groupId, zoneId',
  });

export const pageSchema = z.object({
  id: z.string(),
  number: z.string(),
  name: z.string(),
  priority: priorityEnum,
  fromExtension: z.string(),
  startedAt: z.string(),
  phase: z.enum(['starting', 'live', 'ending', 'ended']),
  endReason: z.string().nullable(),
  members: z.array(
    z.object({
      extension: z.string(),
      status: z.enum(['calling', 'connected', 'skipped', 'failed', 'left']),
      reason: z.string().optional(),
    }),
  ),
});

export const pageListSchema = z.object({ items: z.array(pageSchema) });
export const pageIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{12}$/, 'a page id') });
export type PageBody = z.infer<typeof pageBody>;
