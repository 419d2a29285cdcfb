import { sql } from 'kysely';
import type { Db } from './database.js';

/** Lookups a routed call needs before it rings anyone (contact centre, `features/routing/`). */

export interface AgentRow {
  userId: string;
  extension: string;
  displayName: string;
}

export interface CallerContact {
  id: string;
  name: string;
  company: string;
  /** Active assignments, oldest first. */
  assignedAgents: AgentRow[];
  latestNotes: { body: string; createdAt: string; author: string | null }[];
}

/**
 * The contact whose numbers hold this E.164 number (the GIN index on `contacts.phone_numbers`), with its actively
 * assigned agents and its latest notes (`notes_contact_idx`), in one round trip; undefined when no contact has it.
 */
export async function callerContact(db: Db, e164: string, notes = 3): Promise<CallerContact | undefined> {
  const row = await db
    .selectFrom('contacts as c')
    .select([
      'c.id',
      'c.name',
      'c.company',
      sql<AgentRow[]>`coalesce((
        select json_agg(json_build_object('userId', u.id, 'extension', u.extension, 'displayName', u.display_name)
          order by a.created_at, u.id)
        from contact_assignments a join users u on u.id = a.user_id
        where a.contact_id = c.id and a.active), '[]'::json)`.as('agents'),
      sql<{ body: string; createdAt: string; author: string | null }[]>`coalesce((
        select json_agg(json_build_object('body', n.body, 'createdAt', n.created_at, 'author', n.author)
          order by n.created_at desc, n.id desc)
        from (select notes.id, notes.body, notes.created_at, users.display_name as author
              from notes left join users on users.id = notes.author_user_id
              where notes.contact_id = c.id order by notes.created_at desc, notes.id desc limit ${notes}) n
        ), '[]'::json)`.as('notes'),
    ])
    .where(sql<boolean>`c.phone_numbers @> ARRAY[${e164}]::text[]`)
    .orderBy('c.created_at')
    .orderBy('c.id')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    company: row.company,
    assignedAgents: row.agents,
    latestNotes: row.notes.map((n) => ({ ...n, createdAt: new Date(n.createdAt).toISOString() })),
  };
}

/** The team's members who take routed calls: its agents and supervisors (admins do not), by extension. */
export async function teamAgents(db: Db, teamId: string): Promise<AgentRow[]> {
  return db
    .selectFrom('users')
    .select(['id as userId', 'extension', 'display_name as displayName'])
    .where('team_id', '=', teamId)
    .where('role', 'in', ['agent', 'supervisor'])
    .orderBy('extension')
    .execute();
}
