import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';

/** A host name (`sip.carrier.example`) or an IPv4/IPv6 address. */
const host = z
  .string()
  .max(253)
  .refine(
    (value) =>
      z.ipv4().safeParse(value).success ||
      z.ipv6().safeParse(value).success ||
      (z.hostname().safeParse(value).success && /[a-z0-9]/i.test(value) && !value.startsWith('-')),
    'a host name or an IPv4/IPv6 address',
  );

/** An address or a network its calls come from: `203.0.113.5`, `203.0.113.0/24`, `2001:db8::1`, `2001:db8::/32`. */
const matchEntry = z
  .string()
  .refine(
    (value) =>
      [z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()].some((format) => format.safeParse(value).success),
    'an IPv4 or IPv6 address or CIDR',
  );

/** E.164: `+` and 7 to 15 digits, not starting with 0. */
export const e164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number (+ and 7 to 15 digits)');

/** Characters the PJSIP config takes without quoting; a carrier's user names and passwords fit in them. */
const credential = z
  .string()
  .regex(/^[A-Za-z0-9._~!@#%^*+=:-]{1,64}$/, '1 to 64 letters, digits or ._~!@#%^*+=:-');

const fields = {
  name: z.string().trim().min(1).max(100),
  host,
  port: z.number().int().min(1).max(65535),
  transport: z.enum(['udp', 'tcp']),
  username: credential.nullable(),
  password: credential.nullable(),
  register: z.boolean(),
  match: z.array(matchEntry).max(50),
  callerId: e164Schema.nullable(),
};

/** A trunk as the API returns it: username and password are write-only (`hasCredentials` says whether it has them). */
export const trunkSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  transport: z.enum(['udp', 'tcp']),
  register: z.boolean(),
  match: z.array(z.string()),
  callerId: z.string().nullable(),
  hasCredentials: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Trunk = z.infer<typeof trunkSchema>;

/** The rules between fields, for a new trunk and for a trunk after a change alike. */
export interface TrunkRulesInput {
  register: boolean;
  match: readonly string[];
  username: string | null;
  password: string | null;
}

/** Problems of a trunk as a whole (each names its field), or none. */
export function trunkProblems(trunk: TrunkRulesInput): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (!trunk.register && trunk.match.length === 0)
    problems.push({ path: 'match', message: 'give at least one address or CIDR (or register)' });
  if (trunk.register && trunk.username === null)
    problems.push({ path: 'username', message: 'register needs a username' });
  if (trunk.register && trunk.password === null)
    problems.push({ path: 'password', message: 'register needs a password' });
  if ((trunk.username === null) !== (trunk.password === null))
    problems.push({ path: 'password', message: 'give username and password together' });
  return problems;
}

export const createTrunkBody = z
  .strictObject({
    name: fields.name,
    host: fields.host,
    port: fields.port.optional(),
    transport: fields.transport.optional(),
    username: fields.username.optional(),
    password: fields.password.optional(),
    register: fields.register.optional(),
    match: fields.match.optional(),
    callerId: fields.callerId.optional(),
  })
  .superRefine((body, ctx) => {
    const problems = trunkProblems({
      register: body.register ?? false,
      match: body.match ?? [],
      username: body.username ?? null,
      password: body.password ?? null,
    });
    for (const p of problems) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  });
export type CreateTrunkBody = z.infer<typeof createTrunkBody>;

export const updateTrunkBody = z
  .strictObject({
    name: fields.name.optional(),
    host: fields.host.optional(),
    port: fields.port.optional(),
    transport: fields.transport.optional(),
    username: fields.username.optional(),
    password: fields.password.optional(),
    register: fields.register.optional(),
    match: fields.match.optional(),
    callerId: fields.callerId.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateTrunkBody = z.infer<typeof updateTrunkBody>;

export const trunkIdParams = z.object({ id: z.uuid() });

/** Trunks in outbound order: the first is the one outside calls leave through. */
export const listTrunksQuery = z.strictObject({ ...pageQueryShape });
export const trunkPageSchema = pageSchema(trunkSchema);
