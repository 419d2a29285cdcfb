import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  at: ColumnType<Date, Date | undefined, never>;
  actor_user_id: string | null;
  /** Who did it, readable even after the user is deleted: "admin (1000)", "system". */
  actor: string;
  action: string;
  target: ColumnType<string, string | undefined, never>;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}
export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Insertable<AuditLogTable>;
