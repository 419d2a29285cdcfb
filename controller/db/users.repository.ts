import { expressionBuilder, sql } from 'kysely';
import { AppError } from '../errors.js';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import { translateViolations } from './pg-errors.js';
import type { Database } from './tables/index.js';
import type { NewUserRow, Role, UserRow, UserUpdate } from './tables/users.js';

/** A user as the rest of the controller sees it: no secrets. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  extension: string;
  role: Role;
  teamId: string | null;
  /** May call outside numbers through the trunk (emergency numbers always); default true. */
  outboundAllowed: boolean;
  /** The caller ID (E.164) of their outside calls; null: the trunk's. */
  outboundCallerId: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    extension: row.extension,
    role: row.role,
    teamId: row.team_id,
    outboundAllowed: row.outbound_allowed,
    outboundCallerId: row.outbound_caller_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function findUserRowByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function findUserRowById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The row, locked until the transaction `db` ends (for a read-then-write such as an audited update). */
export async function lockUserRow(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The row, share-locked until the transaction `db` ends: it cannot change meanwhile, but others may read it too. */
export async function shareLockUserRow(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).forShare().executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const row = await findUserRowById(db, id);
  return row && toUser(row);
}

export async function findUserByExtension(db: Db, extension: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('extension', '=', extension).executeTakeFirst();
  return row && toUser(row);
}

/** Who a list shows: everyone, one team's members, or one user. */
export type UserScope = { kind: 'all' } | { kind: 'team'; teamId: string } | { kind: 'self'; userId: string };

/** A subquery over the users of a team or self scope, for "done by or to these users" filters elsewhere. */
export function scopeMembers(scope: Exclude<UserScope, { kind: 'all' }>) {
  const users = expressionBuilder<Database, never>().selectFrom('users');
  return scope.kind === 'team'
    ? users.where('users.team_id', '=', scope.teamId)
    : users.where('users.id', '=', scope.userId);
}

export interface UserFilter {
  role?: Role | undefined;
  teamId?: string | undefined;
  /** Matches username, display name or extension (case-insensitive substring). */
  q?: string | undefined;
}

/** Users in extension order (shorter extensions first), a page at a time. */
export async function listUsers(
  db: Db,
  scope: UserScope,
  filter: UserFilter,
  page: PageRequest,
): Promise<Page<User>> {
  let query = db.selectFrom('users').selectAll();
  if (scope.kind === 'team') query = query.where('team_id', '=', scope.teamId);
  if (scope.kind === 'self') query = query.where('id', '=', scope.userId);
  if (filter.role) query = query.where('role', '=', filter.role);
  if (filter.teamId) query = query.where('team_id', '=', filter.teamId);
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('username', 'ilike', pattern),
        eb('display_name', 'ilike', pattern),
        eb('extension', 'like', pattern),
      ]),
    );
  }
  if (page.cursor) {
    const [length, extension] = decodeCursor(page.cursor, ['number', 'string'] as const);
    query = query.where(sql<boolean>`(length(extension), extension) > (${length}, ${extension})`);
  }
  const rows = await query
    .orderBy(sql`length(extension)`)
    .orderBy('extension')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.extension.length, row.extension], toUser);
}

const userViolations = {
  users_username_key: () => new AppError('username-taken', 'that username is taken'),
  users_extension_key: () => new AppError('extension-taken', 'that extension is taken'),
  users_team_id_fkey: () => new AppError('no-such-team', 'team not found'),
};

/** Inserts a user; a taken username or extension, or an unknown team, becomes its AppError. */
export async function insertUserRow(db: Db, values: NewUserRow): Promise<UserRow> {
  return translateViolations(
    () => db.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow(),
    userViolations,
  );
}

export async function updateUserRow(db: Db, id: string, changes: UserUpdate): Promise<UserRow | undefined> {
  return translateViolations(
    () =>
      db
        .updateTable('users')
        .set({ ...changes, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    userViolations,
  );
}

export async function deleteUserRow(db: Db, id: string): Promise<UserRow | undefined> {
  return db.deleteFrom('users').where('id', '=', id).returningAll().executeTakeFirst();
}

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
