import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type CallDirection = 'internal' | 'inbound' | 'outbound';
export type CallDisposition =
  | 'answered'
  | 'busy'
  | 'no-answer'
  | 'unavailable'
  | 'unknown-number'
  | 'cancelled'
  | 'failed'
  /** Migration 0015: not answered (busy, no answer, unavailable) and taken by the callee's mailbox. */
  | 'voicemail'
  /** Migration 0018: its transferer left it by handing the other party on (a blind transfer; an attended one's consultation call). */
  | 'transferred';

export interface CallLogsTable {
  id: Generated<string>;
  call_id: string;
  direction: CallDirection;
  from_number: string;
  from_name: ColumnType<string, string | undefined, string>;
  to_number: string;
  caller_user_id: string | null;
  answered_by_user_id: string | null;
  answered_by_extension: string | null;
  contact_id: string | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  disposition: CallDisposition | null;
  /** Migration 0009: the extensions a forwarded call went through, the dialled one first (empty: not forwarded). */
  forward_path: ColumnType<string[], string[] | undefined, string[]>;
  /** Migration 0013: the trunk an outside call came in on (or went out of), and the number it was dialled to. */
  trunk_id: ColumnType<string | null, string | null | undefined, string | null>;
  did: ColumnType<string | null, string | null | undefined, string | null>;
  /** Every agent rung for the call (a routed call's assigned and team agents; an internal call's callee). */
  rung_user_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** A routed call's steps as they happened: `assigned`, `team`, `fallback`. */
  routing_path: ColumnType<string[], string[] | undefined, string[]>;
  /** Migration 0018: a call of a transfer: the transferer's extension, the number transferred to, how, the other call. */
  transferred_by: ColumnType<string | null, string | null | undefined, string | null>;
  transferred_to: ColumnType<string | null, string | null | undefined, string | null>;
  transfer_kind: ColumnType<'blind' | 'attended' | null, 'blind' | 'attended' | null | undefined, 'blind' | 'attended' | null>;
  transfer_call_id: ColumnType<string | null, string | null | undefined, string | null>;
}
export type CallLogRow = Selectable<CallLogsTable>;
export type NewCallLogRow = Insertable<CallLogsTable>;
export type CallLogUpdate = Updateable<CallLogsTable>;
