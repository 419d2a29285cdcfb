import { sql } from 'kysely';
import type { Db } from './database.js';
import type { CallDisposition } from './tables/call-logs.js';

/** A call's log row as the calls feature writes it (one row per call id, rewritten as the call progresses). */
export interface CallLogWrite {
  callId: string;
  direction: 'internal' | 'inbound' | 'outbound';
  fromNumber: string;
  fromName: string;
  toNumber: string;
  callerUserId: string | null;
  answeredByUserId: string | null;
  answeredByExtension: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  disposition: CallDisposition | null;
  /** The extensions a forwarded call went through, the dialled one first (empty: not forwarded). */
  forwardPath?: string[];
  /** Every user a leg of the call rang. */
  rungUserIds?: string[];
  /** A call from a trunk: which one, the number it dialled, the contact its caller ID matched. */
  trunkId?: string | null;
  did?: string | null;
  contactId?: string | null;
  /** A routed call's steps as they happened (`assigned`, `team`, `fallback`). */
  routingPath?: string[];
  /** A call of a transfer (blind or attended): who transferred, to what number, how, and the other call. */
  transfer?: { by: string; to: string; kind: 'blind' | 'attended'; callId: string } | null;
}

/** Inserts or updates the call's row (idempotent: writing the same entry twice changes nothing). */
export async function upsertCallLog(db: Db, entry: CallLogWrite): Promise<void> {
  const date = (value: string | null) => (value ? new Date(value) : null);
  const changing = {
    answered_by_user_id: entry.answeredByUserId,
    answered_by_extension: entry.answeredByExtension,
    answered_at: date(entry.answeredAt),
    ended_at: date(entry.endedAt),
    disposition: entry.disposition,
    forward_path: entry.forwardPath ?? [],
    rung_user_ids: entry.rungUserIds ?? [],
    routing_path: entry.routingPath ?? [],
    // A transfer hands a call to a new caller side (an attended transfer's consultation call continues with the
    // transferee): the caller columns follow.
    from_number: entry.fromNumber,
    from_name: entry.fromName,
    caller_user_id: entry.callerUserId,
    transferred_by: entry.transfer?.by ?? null,
    transferred_to: entry.transfer?.to ?? null,
    transfer_kind: entry.transfer?.kind ?? null,
    transfer_call_id: entry.transfer?.callId ?? null,
  };
  await db
    .insertInto('call_logs')
    .values({
      call_id: entry.callId,
      direction: entry.direction,
      to_number: entry.toNumber,
      started_at: new Date(entry.startedAt),
      trunk_id: entry.trunkId ?? null,
      did: entry.did ?? null,
      contact_id: entry.contactId ?? null,
      ...changing,
    })
    .onConflict((oc) => oc.column('call_id').doUpdateSet(changing))
    .execute();
}

/** Call logs still open (no end): the calls feature closes those it no longer knows after a restart. */
export async function openCallLogIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('call_logs').select('call_id').where('ended_at', 'is', null).execute();
  return rows.map((row) => row.call_id);
}

/** Closes a log whose call the controller lost track of: answered if it had been answered, else failed. */
export async function closeLostCallLog(db: Db, callId: string, endedAt: Date): Promise<void> {
  await db
    .updateTable('call_logs')
    .set({
      ended_at: endedAt,
      disposition: sql<CallDisposition>`CASE WHEN answered_at IS NULL THEN 'failed' ELSE 'answered' END`,
    })
    .where('call_id', '=', callId)
    .where('ended_at', 'is', null)
    .execute();
}
