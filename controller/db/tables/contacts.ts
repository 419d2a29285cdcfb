import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface ContactsTable {
  id: Generated<string>;
  name: string;
  company: ColumnType<string, string | undefined, string>;
  /** E.164 numbers, e.g. +14155550100. */
  phone_numbers: ColumnType<string[], string[] | undefined, string[]>;
  notes: ColumnType<string, string | undefined, string>;
  /** The owning team; null = shared by the whole office. */
  team_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}
export type ContactRow = Selectable<ContactsTable>;
export type NewContactRow = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
