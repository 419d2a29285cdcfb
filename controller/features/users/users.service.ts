import type { EventBus } from '../../bus/event-bus.js';
import type { Config } from '../../config.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import type { PageRequest } from '../../db/pagination.js';
import type { UserRow, UserUpdate } from '../../db/tables/users.js';
import {
  deleteUserRow,
  findUserRowById,
  insertUserRow,
  listUsers,
  lockUserRow,
  toUser,
  updateUserRow,
  type User,
  type UserFilter,
} from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { hashSecret, randomSipPassword } from '../auth/password.js';
import { asActor, requireRole } from './actor.js';
import { sipCredentials } from './sip-credentials.js';
import { canReadUser, selfChangeProblem, userListScope } from './users.access.js';
import type { CreateUserBody, SipCredentials, UpdateUserBody } from './users.schemas.js';
import './users.events.js';

export function createUsersService(deps: { db: Db; bus: EventBus; config: Config }) {
  const { db, bus, config } = deps;

  const readable = async (principal: Principal, id: string): Promise<UserRow> => {
    const actor = principal;
    const row = await findUserRowById(db, id);
    if (!row) throw new AppError('no-such-user', 'user not found');
    if (!canReadUser(actor, toUser(row))) throw new AppError('forbidden', 'you may not see this user');
    return row;
  };

  return {
    async list(principal: Principal, filter: UserFilter, page: PageRequest) {
      const actor = principal;
      return listUsers(db, userListScope(actor), filter, page);
    },

    get: async (principal: Principal, id: string): Promise<User> => toUser(await readable(principal, id)),

    async me(principal: Principal): Promise<User> {
      return toUser(await readable(principal, principal.userId));
    },

    /** Only ever the caller's own credentials: no route reads another user's SIP password. */
    async mySipCredentials(principal: Principal): Promise<SipCredentials> {
      const row = await readable(principal, principal.userId);
      return sipCredentials({ extension: row.extension, sipPassword: row.sip_password }, config);
    },

    async create(principal: Principal, body: CreateUserBody): Promise<User> {
      const actor = principal;
      requireRole(actor, 'admin');
      const values = {
        username: body.username,
        display_name: body.displayName,
        extension: body.extension,
        role: body.role,
        team_id: body.teamId ?? null,
        password_hash: await hashSecret(body.password),
        sip_password: body.sipPassword ?? randomSipPassword(),
        pin_hash: body.pin === undefined ? null : await hashSecret(body.pin),
        outbound_allowed: body.outboundAllowed ?? true,
        outbound_caller_id: body.outboundCallerId ?? null,
      };
      const user = await asActor(db, actor, async (trx) => {
        const created = toUser(await insertUserRow(trx, values));
        await writeAudit(trx, audit(actor, 'user.created', created, { username: created.username }));
        return created;
      });
      bus.publish('user.created', user);
      return user;
    },

    async update(principal: Principal, id: string, body: UpdateUserBody): Promise<User> {
      const actor = principal;
      requireRole(actor, 'admin');
      const problem = selfChangeProblem(actor, id, body);
      if (problem) throw new AppError('conflict', problem);
      const changes = await toUserUpdate(body);
      const user = await asActor(db, actor, async (trx) => {
        const before = await lockUserRow(trx, id);
        const row = before && (await updateUserRow(trx, id, { ...changes, ...endsTokens(before, body) }));
        if (!before || !row) throw new AppError('no-such-user', 'user not found');
        const updated = toUser(row);
        await writeAudit(
          trx,
          audit(actor, 'user.updated', updated, changedFields(toUser(before), updated, body)),
        );
        return updated;
      });
      bus.publish('user.updated', user);
      return user;
    },

    async remove(principal: Principal, id: string): Promise<void> {
      const actor = principal;
      requireRole(actor, 'admin');
      const problem = selfChangeProblem(actor, id, 'delete');
      if (problem) throw new AppError('conflict', problem);
      const user = await asActor(db, actor, async (trx) => {
        const row = await deleteUserRow(trx, id);
        if (!row) throw new AppError('no-such-user', 'user not found');
        const deleted = toUser(row);
        await writeAudit(trx, audit(actor, 'user.deleted', deleted, { username: deleted.username }));
        return deleted;
      });
      bus.publish('user.deleted', user);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;

const audit = (actor: Principal, action: string, user: User, details: Record<string, unknown>) => ({
  actorUserId: actor.userId,
  actor: auditActor(actor),
  action,
  target: auditTarget.user(user.id),
  details: { ...details, extension: user.extension },
});

/** A new password or role ends every token the user holds (their sockets close too: see the events gateway). */
function endsTokens(before: UserRow, body: UpdateUserBody): UserUpdate {
  const ends = body.password !== undefined || (body.role !== undefined && body.role !== before.role);
  return ends ? { token_version: before.token_version + 1 } : {};
}

async function toUserUpdate(body: UpdateUserBody): Promise<UserUpdate> {
  const changes: UserUpdate = {};
  if (body.username !== undefined) changes.username = body.username;
  if (body.displayName !== undefined) changes.display_name = body.displayName;
  if (body.extension !== undefined) changes.extension = body.extension;
  if (body.role !== undefined) changes.role = body.role;
  if (body.teamId !== undefined) changes.team_id = body.teamId;
  if (body.password !== undefined) changes.password_hash = await hashSecret(body.password);
  if (body.sipPassword !== undefined) changes.sip_password = body.sipPassword;
  if (body.pin !== undefined) changes.pin_hash = body.pin === null ? null : await hashSecret(body.pin);
  if (body.outboundAllowed !== undefined) changes.outbound_allowed = body.outboundAllowed;
  if (body.outboundCallerId !== undefined) changes.outbound_caller_id = body.outboundCallerId;
  return changes;
}

/** What an update changed, for the audit log: old and new values, and which secrets were set (never their values). */
function changedFields(before: User, after: User, body: UpdateUserBody): Record<string, unknown> {
  const fields = [
    'username',
    'displayName',
    'extension',
    'role',
    'teamId',
    'outboundAllowed',
    'outboundCallerId',
  ] as const;
  const changes = Object.fromEntries(
    fields.filter((f) => before[f] !== after[f]).map((f) => [f, { from: before[f], to: after[f] }]),
  );
  const secrets = (['password', 'sipPassword', 'pin'] as const).filter((f) => body[f] !== undefined);
  return { changes, secrets };
}
