import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** One log-in: its tokens name it, log-out revokes it, a refresh must present its current generation. */
export interface AuthSessionsTable {
  id: Generated<string>;
  user_id: string;
  refresh_generation: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date;
  revoked_at: Date | null;
}
export type AuthSessionRow = Selectable<AuthSessionsTable>;
export type NewAuthSessionRow = Insertable<AuthSessionsTable>;
