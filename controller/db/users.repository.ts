import type { Db } from './database.js';
import type { Role, UserRow } from './tables/users.js';

/** A user as the rest of the controller sees it: no secrets. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  extension: string;
  role: Role;
  teamId: string | null;
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
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}
