import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface HotdeskSessionsTable {
  id: ColumnType<string, string | undefined, never>;
  device_id: string;
  user_id: string;
  /** How the session began: `phone` (`*11`) or `api`. */
  via: 'phone' | 'api';
  started_at: ColumnType<Date, Date | undefined, never>;
  last_activity_at: ColumnType<Date, Date | undefined, Date>;
}
export type HotdeskSessionRow = Selectable<HotdeskSessionsTable>;
export type NewHotdeskSessionRow = Insertable<HotdeskSessionsTable>;
