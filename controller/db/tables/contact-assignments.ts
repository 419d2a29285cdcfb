import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface ContactAssignmentsTable {
  contact_id: string;
  user_id: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, never, never>;
}
export type ContactAssignmentRow = Selectable<ContactAssignmentsTable>;
export type NewContactAssignmentRow = Insertable<ContactAssignmentsTable>;
