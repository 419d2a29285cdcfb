import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export type TrunkTransport = 'udp' | 'tcp';

/** Migration 0011: a SIP provider or another PBX; its PJSIP objects in Asterisk are all `trunk-<id>`. */
export interface TrunksTable {
  id: ColumnType<string, string | undefined, never>;
  name: string;
  host: string;
  port: ColumnType<number, number | undefined, number>;
  transport: ColumnType<TrunkTransport, TrunkTransport | undefined, TrunkTransport>;
  /** Outbound credentials (write-only in the API); kept in clear because Asterisk needs them. */
  username: string | null;
  password: string | null;
  register: ColumnType<boolean, boolean | undefined, boolean>;
  /** Addresses or CIDRs the trunk's calls come from (the PJSIP identify). */
  match: ColumnType<string[], string[] | undefined, string[]>;
  /** The default outbound caller ID (E.164), or null. */
  caller_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type TrunkRow = Selectable<TrunksTable>;
export type NewTrunkRow = Insertable<TrunksTable>;
export type TrunkUpdate = Updateable<TrunksTable>;
