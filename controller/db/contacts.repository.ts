import { sql } from 'kysely';
import { AppError } from '../errors.js';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import { translateViolations } from './pg-errors.js';
import type { ContactRow, ContactUpdate, NewContactRow } from './tables/contacts.js';
import { escapeLike } from './users.repository.js';

export interface Contact {
  id: string;
  name: string;
  company: string;
  /** E.164. */
  phoneNumbers: string[];
  /** Free text about the contact (the `notes` column); dated, authored notes are separate. */
  description: string;
  /** The owning team; null = shared by the whole office. */
  teamId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const toContact = (row: ContactRow): Contact => ({
  id: row.id,
  name: row.name,
  company: row.company,
  phoneNumbers: row.phone_numbers,
  description: row.notes,
  teamId: row.team_id,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function findContactById(db: Db, id: string): Promise<Contact | undefined> {
  const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toContact(row);
}

/**
 * The contacts a caller may see (see contacts.access.ts): all; a team's and the shared ones (`teamId` null: only the
 * shared ones); or those actively assigned to one user.
 */
export type ContactScope =
  { kind: 'all' } | { kind: 'team'; teamId: string | null } | { kind: 'assigned'; userId: string };

const everyContact: ContactScope = { kind: 'all' };

/** The contacts table, narrowed to a scope. */
function scoped(db: Db, scope: ContactScope) {
  const query = db.selectFrom('contacts').selectAll();
  switch (scope.kind) {
    case 'all':
      return query;
    case 'team': {
      const { teamId } = scope;
      return query.where((eb) =>
        teamId === null
          ? eb('team_id', 'is', null)
          : eb.or([eb('team_id', 'is', null), eb('team_id', '=', teamId)]),
      );
    }
    case 'assigned':
      return query.where(
        'id',
        'in',
        db
          .selectFrom('contact_assignments')
          .select('contact_id')
          .where('user_id', '=', scope.userId)
          .where('active', '=', true),
      );
    default: {
      const never: never = scope;
      throw new Error(`unknown contact scope ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The contact with this E.164 number within the scope, for caller-ID matching. Numbers are not unique across
 * contacts; when two share one, the oldest contact wins, so the answer is stable.
 */
export async function findContactByNumber(
  db: Db,
  e164: string,
  scope: ContactScope = everyContact,
): Promise<Contact | undefined> {
  const row = await scoped(db, scope)
    .where(sql<boolean>`phone_numbers @> ARRAY[${e164}]::text[]`)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row && toContact(row);
}

export interface ContactFilter {
  /** Name or company (substring, any case), or digits of a number (substring). */
  q?: string | undefined;
}

/** Contacts within the scope by name (any case), then id. */
export async function listContacts(
  db: Db,
  scope: ContactScope,
  filter: ContactFilter,
  page: PageRequest,
): Promise<Page<Contact>> {
  let query = scoped(db, scope);
  if (filter.q) {
    const text = `%${escapeLike(filter.q)}%`;
    const digits = filter.q.replace(/\D/g, '');
    query = query.where((eb) =>
      eb.or([
        eb('name', 'ilike', text),
        eb('company', 'ilike', text),
        ...(digits.length >= 3
          ? [sql<boolean>`array_to_string(phone_numbers, ',') like ${`%${digits}%`}`]
          : []),
      ]),
    );
  }
  if (page.cursor) {
    const [name, id] = decodeCursor(page.cursor, ['string', 'uuid'] as const);
    query = query.where(sql<boolean>`(lower(name), id::text) > (${name}, ${id})`);
  }
  const rows = await query
    .orderBy(sql`lower(name)`)
    .orderBy(sql`id::text`)
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.name.toLowerCase(), row.id], toContact);
}

/** The contact, its row locked until the transaction ends (so a check on it holds for the change that follows). */
export async function lockContactById(db: Db, id: string): Promise<Contact | undefined> {
  const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row && toContact(row);
}

const noSuchTeam = { contacts_team_id_fkey: () => new AppError('no-such-team', 'team not found') };

export async function insertContact(db: Db, values: NewContactRow): Promise<Contact> {
  const row = await translateViolations(
    () => db.insertInto('contacts').values(values).returningAll().executeTakeFirstOrThrow(),
    noSuchTeam,
  );
  return toContact(row);
}

export async function updateContact(
  db: Db,
  id: string,
  changes: ContactUpdate,
): Promise<Contact | undefined> {
  const row = await translateViolations(
    () =>
      db
        .updateTable('contacts')
        .set({ ...changes, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    noSuchTeam,
  );
  return row && toContact(row);
}

/** Deletes a contact; returns it as it was, or undefined when there was none. */
export async function deleteContact(db: Db, id: string): Promise<Contact | undefined> {
  const row = await db.deleteFrom('contacts').where('id', '=', id).returningAll().executeTakeFirst();
  return row && toContact(row);
}

export const noSuchContact = () => new AppError('no-such-contact', 'contact not found');
