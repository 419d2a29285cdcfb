import type { ColumnType, Generated, Selectable } from 'kysely';

/** A user's mailbox (migration 0015): off until enabled; no row reads as off. */
export interface VoicemailBoxesTable {
  user_id: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  pin_hash: string | null;
  greeting: ColumnType<'standard' | 'recorded', 'standard' | 'recorded' | undefined, 'standard' | 'recorded'>;
  greeting_file: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type VoicemailBoxRow = Selectable<VoicemailBoxesTable>;

/** One message left in a mailbox (migration 0015); its audio is `file_path` (a WAV in VOICEMAIL_DIR). */
export interface VoicemailMessagesTable {
  id: Generated<string>;
  mailbox_user_id: string;
  from_number: string;
  from_name: ColumnType<string, string | undefined, string>;
  to_number: string;
  call_id: string | null;
  received_at: Date;
  duration_seconds: number;
  heard: ColumnType<boolean, boolean | undefined, boolean>;
  recording_name: string;
  file_path: string;
}
export type VoicemailMessageRow = Selectable<VoicemailMessagesTable>;
