import { z } from 'zod';

/** A forward target: an extension, or an outside number (through the trunk; `no-trunk` while there is none). */
const forwardTarget = z
  .string()
  .regex(/^\+?\d{3,15}$/, 'an extension or a phone number')
  .nullable();

export const forwardingBody = z.strictObject({
  always: forwardTarget.optional(),
  busy: forwardTarget.optional(),
  noAnswer: forwardTarget.optional(),
  noAnswerSeconds: z.number().int().min(1).max(300).nullable().optional(),
});

export const forwardingSchema = z.object({
  userId: z.uuid(),
  extension: z.string(),
  always: z.string().nullable(),
  busy: z.string().nullable(),
  noAnswer: z.string().nullable(),
  noAnswerSeconds: z.number().nullable(),
});

const strategy = z.enum(['simultaneous', 'sequential', 'follow-me']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const ringTargetSchema = z.strictObject({
  kind: z.enum(['desk', 'webphone', 'device', 'external']),
  deviceId: z.string().min(1).max(64).optional(),
  number: z.string().max(20).optional(),
  /** Checked by the service, so that every problem is named in one answer. */
  delaySeconds: z.number().int(),
  timeoutSeconds: z.number().int(),
});

export const scheduleSchema = z.strictObject({
  timeZone: z.string().min(1).max(64),
  weekly: z.array(z.strictObject({ days: z.array(weekday).min(1).max(7), from: hhmm, to: hhmm })).max(50),
  holidays: z.array(z.iso.date()).max(366),
  outsideHours: z.strictObject({
    strategy: strategy.optional(),
    forwardTo: z
      .string()
      .regex(/^\+?\d{3,15}$/)
      .optional(),
  }),
});

export const ringSettingsBody = z.strictObject({
  strategy,
  targets: z.array(ringTargetSchema).max(10),
  schedule: scheduleSchema.optional(),
});

export const ringSettingsSchema = z.object({
  userId: z.uuid(),
  extension: z.string(),
  strategy,
  targets: z.array(
    z.object({
      kind: z.enum(['desk', 'webphone', 'device', 'external']),
      deviceId: z.string().optional(),
      number: z.string().optional(),
      delaySeconds: z.number(),
      timeoutSeconds: z.number(),
    }),
  ),
  schedule: z
    .object({
      timeZone: z.string(),
      weekly: z.array(z.object({ days: z.array(weekday), from: z.string(), to: z.string() })),
      holidays: z.array(z.string()),
      outsideHours: z.object({ strategy: strategy.optional(), forwardTo: z.string().optional() }),
    })
    .optional(),
});

export const userParams = z.object({ id: z.uuid() });

const speedDial = z.strictObject({
  slot: z.number().int().min(0).max(9),
  number: z.string().regex(/^\+?\d{3,15}$/, 'an extension, a paging group or a phone number'),
  label: z.string().trim().max(40).default(''),
});

export const speedDialsBody = z.strictObject({ speedDials: z.array(speedDial).max(10) });

export const speedDialsSchema = z.object({
  userId: z.uuid(),
  extension: z.string(),
  speedDials: z.array(z.object({ slot: z.number(), number: z.string(), label: z.string() })),
});
