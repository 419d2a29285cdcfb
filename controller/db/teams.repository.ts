import { sql } from 'kysely';
import { AppError } from '../errors.js';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import { translateViolations } from './pg-errors.js';
import type { TeamRow } from './tables/teams.js';

export interface Team {
  id: string;
  name: string;
  createdAt: string;
}

export const toTeam = (row: TeamRow): Team => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at.toISOString(),
});

const nameTaken = () => new AppError('team-name-taken', 'a team with that name exists');

export async function findTeamById(db: Db, id: string): Promise<Team | undefined> {
  const row = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTeam(row);
}

/** Teams by name (case-insensitive), all of them or only `onlyId`. */
export async function listTeams(
  db: Db,
  onlyId: string | null | undefined,
  page: PageRequest,
): Promise<Page<Team>> {
  let query = db.selectFrom('teams').selectAll();
  if (onlyId !== undefined)
    query = onlyId === null ? query.where(sql<boolean>`false`) : query.where('id', '=', onlyId);
  if (page.cursor) {
    const [name] = decodeCursor(page.cursor, ['string'] as const);
    query = query.where(sql<boolean>`lower(name) > ${name}`);
  }
  const rows = await query
    .orderBy(sql`lower(name)`)
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.name.toLowerCase()], toTeam);
}

export async function insertTeam(db: Db, name: string): Promise<Team> {
  const row = await translateViolations(
    () => db.insertInto('teams').values({ name }).returningAll().executeTakeFirstOrThrow(),
    { teams_name_key: nameTaken },
  );
  return toTeam(row);
}

export async function renameTeam(db: Db, id: string, name: string): Promise<Team | undefined> {
  const row = await translateViolations(
    () => db.updateTable('teams').set({ name }).where('id', '=', id).returningAll().executeTakeFirst(),
    { teams_name_key: nameTaken },
  );
  return row && toTeam(row);
}

/**
 * Deletes a team; one that still has members or contacts is refused by the database (users.team_id and
 * contacts.team_id are ON DELETE RESTRICT).
 */
export async function deleteTeam(db: Db, id: string): Promise<Team | undefined> {
  const row = await translateViolations(
    () => db.deleteFrom('teams').where('id', '=', id).returningAll().executeTakeFirst(),
    {
      users_team_id_fkey: () => new AppError('team-not-empty', 'the team still has members; move them first'),
      inbound_routes_team_id_fkey: () =>
        new AppError('team-not-empty', 'inbound routes still ring this team; change or delete them first'),
      contacts_team_id_fkey: () =>
        new AppError('team-not-empty', 'the team still has contacts; move or share them first'),
    },
  );
  return row && toTeam(row);
}
