import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'admin' | 'supervisor' | 'agent';

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  extension: string;
  role: Role;
  team_id: string | null;
  password_hash: string;
  sip_password: string;
  pin_hash: string | null;
  /** Do not disturb (migration 0007): read through dnd.repository.ts. */
  dnd: ColumnType<boolean, boolean | undefined, boolean>;
  /** Forwarding (migration 0009): an extension, or null; read through call-handling.repository.ts. */
  forward_always: ColumnType<string | null, string | null | undefined, string | null>;
  forward_busy: ColumnType<string | null, string | null | undefined, string | null>;
  forward_no_answer: ColumnType<string | null, string | null | undefined, string | null>;
  forward_no_answer_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  /** Ring settings (migration 0009): the API's shape as JSON, or null for the default. */
  ring_settings: ColumnType<unknown, string | null | undefined, string | null>;
  /** Presence (migration 0012): the user's free-text status, or null; read through presence.repository.ts. */
  presence_status: ColumnType<string | null, string | null | undefined, string | null>;
  /** Outbound permission (migration 0011): may dial out through a trunk (emergency numbers always may). */
  outbound_allowed: ColumnType<boolean, boolean | undefined, boolean>;
  /** The caller ID (E.164) of the user's outbound calls, or null for the trunk's. */
  outbound_caller_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** In every token; bumped (password or role change, log out everywhere) to end them all. */
  token_version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
