import type { Db } from './database.js';

/** What presence needs to know of a user beside their accounts: who they are, their team, DND, status. */
export interface PresenceUser {
  userId: string;
  extension: string;
  displayName: string;
  teamId: string | null;
  dnd: boolean;
  status: string | null;
}

const columns = ['id', 'extension', 'display_name', 'team_id', 'dnd', 'presence_status'] as const;

interface Row {
  id: string;
  extension: string;
  display_name: string;
  team_id: string | null;
  dnd: boolean;
  presence_status: string | null;
}

const toPresenceUser = (row: Row): PresenceUser => ({
  userId: row.id,
  extension: row.extension,
  displayName: row.display_name,
  teamId: row.team_id,
  dnd: row.dnd,
  status: row.presence_status,
});

export async function listPresenceUsers(db: Db): Promise<PresenceUser[]> {
  const rows = await db.selectFrom('users').select(columns).execute();
  return rows.map(toPresenceUser);
}

/** Sets a user's free-text status (null: none); the user as presence knows them, undefined when there is no such user. */
export async function setPresenceStatus(
  db: Db,
  userId: string,
  status: string | null,
): Promise<PresenceUser | undefined> {
  const row = await db
    .updateTable('users')
    .set({ presence_status: status })
    .where('id', '=', userId)
    .returning(columns)
    .executeTakeFirst();
  return row && toPresenceUser(row);
}
