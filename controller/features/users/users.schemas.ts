import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';
import { extensionPattern, extensionProblem, reservedRanges } from './numbering.js';

/** The numbering plan's rule for a user's extension, in words. */
const extensionRule = `3 to 5 digits, not ${reservedRanges.map((r) => `${r.from}-${r.to} (${r.what})`).join(' or ')}`;

export const roleSchema = z.enum(['admin', 'supervisor', 'agent']);

/** A user as the API returns it. Passwords, SIP password and PIN are write-only and never appear here. */
export const userSchema = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  extension: z.string().regex(extensionPattern).describe(extensionRule),
  role: roleSchema,
  teamId: z.string().uuid().nullable(),
  outboundAllowed: z.boolean(),
  outboundCallerId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The shape as a pattern (so the OpenAPI document shows it), the reserved ranges as a check on top. */
export const extensionSchema = z
  .string()
  .regex(extensionPattern, 'must be 3 to 5 digits')
  .superRefine((value, ctx) => {
    const problem = extensionPattern.test(value) ? extensionProblem(value) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(extensionRule);

/** Characters every SIP stack and config format takes without quoting. */
export const sipPasswordSchema = z
  .string()
  .regex(/^[A-Za-z0-9._~!@#%^*+=:-]{8,64}$/, '8 to 64 letters, digits or ._~!@#%^*+=:-');

const username = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/,
    'letters, digits and ._@- (at most 64, starting with a letter or digit)',
  );
const displayName = z.string().trim().min(1).max(100);
const password = z.string().min(8, 'at least 8 characters').max(200);
const pin = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');
/** Outside calls: allowed (default) or not; the caller ID they show, E.164 (null: the trunk's). */
const outboundAllowed = z.boolean();
const outboundCallerId = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number (+ and 7 to 15 digits)')
  .nullable();

export const createUserBody = z.strictObject({
  username,
  displayName,
  extension: extensionSchema,
  role: roleSchema,
  teamId: z.uuid().nullable().optional(),
  password,
  sipPassword: sipPasswordSchema.optional(),
  pin: pin.optional(),
  outboundAllowed: outboundAllowed.optional(),
  outboundCallerId: outboundCallerId.optional(),
});
export type CreateUserBody = z.infer<typeof createUserBody>;

export const updateUserBody = z
  .strictObject({
    username: username.optional(),
    displayName: displayName.optional(),
    extension: extensionSchema.optional(),
    role: roleSchema.optional(),
    teamId: z.uuid().nullable().optional(),
    password: password.optional(),
    sipPassword: sipPasswordSchema.optional(),
    /** null removes the PIN (no hot desk log-in). */
    pin: pin.nullable().optional(),
    outboundAllowed: outboundAllowed.optional(),
    outboundCallerId: outboundCallerId.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateUserBody = z.infer<typeof updateUserBody>;

export const userIdParams = z.object({ id: z.uuid() });

export const listUsersQuery = z.strictObject({
  role: roleSchema.optional(),
  teamId: z.uuid().optional(),
  q: z.string().min(1).max(100).optional(),
  ...pageQueryShape,
});

export const userPageSchema = pageSchema(userSchema);

export const sipCredentialsSchema = z.object({
  username: z.string(),
  authorizationUser: z.string(),
  password: z.string(),
  wsUrl: z.string(),
  uri: z.string(),
  deskPhone: z.object({ username: z.string(), password: z.string() }),
});
export type SipCredentials = z.infer<typeof sipCredentialsSchema>;
