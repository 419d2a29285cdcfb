import { z } from 'zod';

const slotNumber = z
  .union([z.string(), z.number().int()])
  .transform((value) => String(value))
  .pipe(z.string().regex(/^7(0[1-9]|[1-9]\d)$/, 'a park slot: 701 to 799'));

export const parkSlotSchema = z.object({
  slot: z.string(),
  occupied: z.boolean(),
  callerIdNumber: z.string().nullable(),
  callerIdName: z.string().nullable(),
  parkerExtension: z.string().nullable(),
  parkedAt: z.string().nullable(),
  timeoutAt: z.string().nullable(),
});

export const parkSlotListSchema = z.object({ items: z.array(parkSlotSchema) });

export const parkBody = z
  .strictObject({
    callId: z
      .string()
      .regex(/^[\w-]{1,64}$/, 'a call id')
      .optional(),
    channelId: z.string().min(1).max(128).optional(),
    /** A specific slot; default the lowest free one. */
    slot: slotNumber.optional(),
    /** Seconds before the parker is rung back; default PARK_TIMEOUT_SECONDS. */
    timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .refine((body) => Boolean(body.callId) !== Boolean(body.channelId), {
    message: 'give either callId or channelId',
  });

export const retrieveBody = z.strictObject({
  slot: slotNumber,
  extension: z.string().regex(/^\d{3,5}$/, 'an extension: 3 to 5 digits'),
});

export const retrieveAcceptedSchema = z.object({
  slot: z.string(),
  extension: z.string(),
  state: z.enum(['ringing']),
});
