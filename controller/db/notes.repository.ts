import { sql } from 'kysely';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';

/** A dated, authored note on a call log or on a contact. */
export interface Note {
  id: string;
  callLogId: string | null;
  contactId: string | null;
  authorUserId: string | null;
  /** The author's display name; null once the author is deleted. */
  authorName: string | null;
  body: string;
  createdAt: string;
  /** When it was last edited; null if never. */
  updatedAt: string | null;
}

export type NoteSubject = { callLogId: string } | { contactId: string };

const subjectColumn = (subject: NoteSubject) =>
  'callLogId' in subject
    ? (['call_log_id', subject.callLogId] as const)
    : (['contact_id', subject.contactId] as const);

const selectNotes = (db: Db) =>
  db
    .selectFrom('notes')
    .leftJoin('users', 'users.id', 'notes.author_user_id')
    .selectAll('notes')
    .select('users.display_name as author_name');

type NoteWithAuthor = Awaited<ReturnType<ReturnType<typeof selectNotes>['executeTakeFirstOrThrow']>>;

const toNote = (row: NoteWithAuthor): Note => ({
  id: row.id,
  callLogId: row.call_log_id,
  contactId: row.contact_id,
  authorUserId: row.author_user_id,
  authorName: row.author_name,
  body: row.body,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at ? row.updated_at.toISOString() : null,
});

/**
 * Newest first. A contact's notes include those written on its calls' logs (an agent's notes typed during a call
 * with the customer belong to both). The cursor is the last note's id; its exact timestamp is looked up, not carried.
 */
export async function listNotes(db: Db, subject: NoteSubject, page: PageRequest): Promise<Page<Note>> {
  let query =
    'callLogId' in subject
      ? selectNotes(db).where('notes.call_log_id', '=', subject.callLogId)
      : selectNotes(db).where((eb) =>
          eb.or([
            eb('notes.contact_id', '=', subject.contactId),
            eb(
              'notes.call_log_id',
              'in',
              eb
                .selectFrom('call_logs')
                .select('call_logs.id')
                .where('call_logs.contact_id', '=', subject.contactId),
            ),
          ]),
        );
  if (page.cursor) {
    const [after] = decodeCursor(page.cursor, ['uuid'] as const);
    query = query.where(
      sql<boolean>`(notes.created_at, notes.id) < (select created_at, id from notes where id = ${after}::uuid)`,
    );
  }
  const rows = await query
    .orderBy('notes.created_at', 'desc')
    .orderBy('notes.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.id], toNote);
}

export async function insertNote(
  db: Db,
  subject: NoteSubject,
  authorUserId: string,
  body: string,
): Promise<Note> {
  const [column, id] = subjectColumn(subject);
  const { id: noteId } = await db
    .insertInto('notes')
    .values({ [column]: id, author_user_id: authorUserId, body })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toNote(await selectNotes(db).where('notes.id', '=', noteId).executeTakeFirstOrThrow());
}

/** A note of this call log or contact (undefined: no such note there). */
export async function findNote(db: Db, subject: NoteSubject, noteId: string): Promise<Note | undefined> {
  const [column, id] = subjectColumn(subject);
  const row = await selectNotes(db)
    .where('notes.id', '=', noteId)
    .where(`notes.${column}`, '=', id)
    .executeTakeFirst();
  return row && toNote(row);
}

/** Changes a note's text (its author and creation time stay; `updatedAt` is now). */
export async function updateNoteBody(db: Db, noteId: string, body: string): Promise<Note> {
  await db
    .updateTable('notes')
    .set({ body, updated_at: sql<Date>`now()` })
    .where('id', '=', noteId)
    .execute();
  return toNote(await selectNotes(db).where('notes.id', '=', noteId).executeTakeFirstOrThrow());
}
