import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export interface TeamsTable {
  id: Generated<string>;
  name: string;
  created_at: ColumnType<Date, never, never>;
}
export type TeamRow = Selectable<TeamsTable>;
export type NewTeamRow = Insertable<TeamsTable>;
