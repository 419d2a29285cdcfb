import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** A note on a call log or on a contact (exactly one of the two). */
export interface NotesTable {
  id: Generated<string>;
  call_log_id: string | null;
  contact_id: string | null;
  author_user_id: string | null;
  body: string;
  created_at: ColumnType<Date, never, never>;
  /** Migration 0013: when the note was last edited (null: never). */
  updated_at: ColumnType<Date | null, never, Date>;
}
export type NoteRow = Selectable<NotesTable>;
export type NewNoteRow = Insertable<NotesTable>;
