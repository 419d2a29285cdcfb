import { AppError } from '../errors.js';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import { translateViolations } from './pg-errors.js';
import type { ContactAssignmentRow } from './tables/contact-assignments.js';

/** An agent assigned to a contact: their calls ring that agent first (while active). */
export interface ContactAssignment {
  contactId: string;
  userId: string;
  active: boolean;
  createdAt: string;
}

const toAssignment = (row: ContactAssignmentRow): ContactAssignment => ({
  contactId: row.contact_id,
  userId: row.user_id,
  active: row.active,
  createdAt: row.created_at.toISOString(),
});

export async function isAssigned(db: Db, contactId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('contact_assignments')
    .select('active')
    .where('contact_id', '=', contactId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.active === true;
}

/** The users actively assigned to a contact (for routing: ring them first). */
export async function assignedUserIds(db: Db, contactId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('contact_assignments')
    .select('user_id')
    .where('contact_id', '=', contactId)
    .where('active', '=', true)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => row.user_id);
}

export async function listAssignments(
  db: Db,
  contactId: string,
  page: PageRequest,
): Promise<Page<ContactAssignment>> {
  let query = db.selectFrom('contact_assignments').selectAll().where('contact_id', '=', contactId);
  if (page.cursor) query = query.where('user_id', '>', decodeCursor(page.cursor, ['uuid'] as const)[0]);
  const rows = await query
    .orderBy('user_id')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.user_id], toAssignment);
}

/** Creates or changes an assignment; an unknown contact or user becomes its 404. */
export async function upsertAssignment(
  db: Db,
  contactId: string,
  userId: string,
  active: boolean,
): Promise<ContactAssignment> {
  const row = await translateViolations(
    () =>
      db
        .insertInto('contact_assignments')
        .values({ contact_id: contactId, user_id: userId, active })
        .onConflict((oc) => oc.columns(['contact_id', 'user_id']).doUpdateSet({ active }))
        .returningAll()
        .executeTakeFirstOrThrow(),
    {
      contact_assignments_contact_id_fkey: () => new AppError('no-such-contact', 'contact not found'),
      contact_assignments_user_id_fkey: () => new AppError('no-such-user', 'user not found'),
    },
  );
  return toAssignment(row);
}

export async function deleteAssignment(db: Db, contactId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('contact_assignments')
    .where('contact_id', '=', contactId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
