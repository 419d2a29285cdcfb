import type { Db } from './database.js';
import { findContactByNumber } from './contacts.repository.js';

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
 * assigned agents and its latest notes (`notes_contact_idx`); undefined when no contact has the number.
 */
export async function callerContact(db: Db, e164: string, notes = 3): Promise<CallerContact | undefined> {
  const contact = await findContactByNumber(db, e164);
  if (!contact) return undefined;
  const [agents, latest] = await Promise.all([
    db
      .selectFrom('contact_assignments')
      .innerJoin('users', 'users.id', 'contact_assignments.user_id')
      .select(['users.id as userId', 'users.extension', 'users.display_name as displayName'])
      .where('contact_assignments.contact_id', '=', contact.id)
      .where('contact_assignments.active', '=', true)
      .orderBy('contact_assignments.created_at')
      .orderBy('users.id')
      .execute(),
    db
      .selectFrom('notes')
      .leftJoin('users', 'users.id', 'notes.author_user_id')
      .select(['notes.body', 'notes.created_at', 'users.display_name as author'])
      .where('notes.contact_id', '=', contact.id)
      .orderBy('notes.created_at', 'desc')
      .orderBy('notes.id', 'desc')
      .limit(notes)
      .execute(),
  ]);
  return {
    id: contact.id,
    name: contact.name,
    company: contact.company,
    assignedAgents: agents,
    latestNotes: latest.map((n) => ({ body: n.body, createdAt: n.created_at.toISOString(), author: n.author })),
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
