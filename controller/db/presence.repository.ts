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

export async function listPresenceUsers(db: Db): Promise<PresenceUser[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'extension', 'display_name', 'team_id', 'dnd'])
    .execute();
  return rows.map((row) => ({
    userId: row.id,
    extension: row.extension,
    displayName: row.display_name,
    teamId: row.team_id,
    dnd: row.dnd,
    status: null,
  }));
}
