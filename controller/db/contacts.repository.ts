import { sql } from 'kysely';
import { AppError } from '../errors.js';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
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
  createdAt: string;
  updatedAt: string;
}

export const toContact = (row: ContactRow): Contact => ({
  id: row.id,
  name: row.name,
  company: row.company,
  phoneNumbers: row.phone_numbers,
  description: row.notes,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function findContactById(db: Db, id: string): Promise<Contact | undefined> {
  const row = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toContact(row);
}

/** The contacts a caller may see (see contacts.access.ts): all, or those actively assigned to one user. */
export type ContactScope = { kind: 'all' } | { kind: 'assigned'; userId: string };

const everyContact: ContactScope = { kind: 'all' };

/** The contacts table, narrowed to a scope. */
function scoped(db: Db, scope: ContactScope) {
  const query = db.selectFrom('contacts').selectAll();
  switch (scope.kind) {
    case 'all':
      return query;
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

export async function insertContact(db: Db, values: NewContactRow): Promise<Contact> {
  return toContact(await db.insertInto('contacts').values(values).returningAll().executeTakeFirstOrThrow());
}

export async function updateContact(
  db: Db,
  id: string,
  changes: ContactUpdate,
): Promise<Contact | undefined> {
  const row = await db
    .updateTable('contacts')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toContact(row);
}

export async function deleteContact(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export const noSuchContact = () => new AppError('no-such-contact', 'contact not found');
