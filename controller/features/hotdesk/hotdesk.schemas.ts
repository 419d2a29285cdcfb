import { z } from 'zod';
import { deviceIdSchema } from '../devices/devices.schemas.js';

const extension = z.string().regex(/^\d{3,5}$/, 'an extension: 3 to 5 digits');

export const loginBody = z.strictObject({
  deviceId: deviceIdSchema,
  extension,
  /** Required unless an admin logs someone in. */
  pin: z
    .string()
    .regex(/^\d{4,8}$/, '4 to 8 digits')
    .optional(),
});

export const logoutBody = z.strictObject({ deviceId: deviceIdSchema });

export const sessionSchema = z.object({
  id: z.uuid(),
  deviceId: z.string(),
  deviceName: z.string(),
  userId: z.uuid(),
  extension: z.string(),
  displayName: z.string(),
  teamId: z.uuid().nullable(),
  via: z.enum(['phone', 'api']),
  startedAt: z.string(),
  lastActivityAt: z.string(),
});

export const sessionListSchema = z.object({ items: z.array(sessionSchema) });
