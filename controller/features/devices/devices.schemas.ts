import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';
import { sipPasswordSchema } from '../users/users.schemas.js';

/** A device's id names its SIP account, so it can be neither an extension nor a webphone account (`-web`). */
export const deviceIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,39}$/, '2 to 40 of a-z, 0-9, _ and -, starting with a letter')
  .refine((id) => !id.endsWith('-web'), 'must not end in -web (the webphone accounts use that)')
  .refine((id) => !id.startsWith('trunk-'), 'must not start with trunk- (the trunks use that)');

export const deviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  hotdesk: z.boolean(),
  ownerUserId: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const fields = {
  name: z.string().trim().min(1).max(100),
  location: z.string().trim().max(200),
  hotdesk: z.boolean(),
  ownerUserId: z.uuid().nullable(),
  sipPassword: sipPasswordSchema,
};

export const createDeviceBody = z.strictObject({
  id: deviceIdSchema,
  name: fields.name,
  location: fields.location.optional(),
  hotdesk: fields.hotdesk.optional(),
  ownerUserId: fields.ownerUserId.optional(),
  sipPassword: fields.sipPassword.optional(),
});
export type CreateDeviceBody = z.infer<typeof createDeviceBody>;

export const updateDeviceBody = z
  .strictObject({
    name: fields.name.optional(),
    location: fields.location.optional(),
    hotdesk: fields.hotdesk.optional(),
    ownerUserId: fields.ownerUserId.optional(),
    sipPassword: fields.sipPassword.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateDeviceBody = z.infer<typeof updateDeviceBody>;

export const deviceIdParams = z.object({ id: deviceIdSchema });

export const listDevicesQuery = z.strictObject({
  hotdesk: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  ownerUserId: z.uuid().optional(),
  ...pageQueryShape,
});

export const devicePageSchema = pageSchema(deviceSchema);
