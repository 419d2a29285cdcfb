import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import type { CallDirection, CallDisposition, CallLogRow } from './tables/call-logs.js';
import type { Database } from './tables/index.js';
import { scopeMembers, type UserScope } from './users.repository.js';

/** A finished (or still open) call as the API returns it. */
export interface CallLog {
  id: string;
  callId: string;
  direction: CallDirection;
  from: string;
  fromName: string;
  to: string;
  callerUserId: string | null;
  /** The extension that answered, or null. */
  answeredBy: string | null;
  answeredByUserId: string | null;
  contactId: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  disposition: CallDisposition | null;
  /** A forwarded call's path: the dialled extension, then each forward target (empty: not forwarded). */
  forwardPath: string[];
  /** A call from (or to) the outside world: the trunk it used, the number it dialled. */
  trunkId: string | null;
  did: string | null;
  /** Every agent the call rang (user ids, in the order they were rung). */
  rungAgents: string[];
  /** A routed call's steps as they happened: `assigned`, `team`, `fallback`. */
  routingPath: string[];
  /** A call of a transfer: who transferred (extension), to what number, blind or attended, and the other call's id. */
  transfer: { by: string; to: string; kind: 'blind' | 'attended'; callId: string } | null;
  /** Seconds from the answer to the end (talk time); null when never answered or not over. */
  durationSeconds: number | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Row → API, shared by the calls feature (which writes the rows) and the call-logs routes (which read them). */
export function toCallLog(row: CallLogRow): CallLog {
  return {
    id: row.id,
    callId: row.call_id,
    direction: row.direction,
    from: row.from_number,
    fromName: row.from_name,
    to: row.to_number,
    callerUserId: row.caller_user_id,
    answeredBy: row.answered_by_extension,
    answeredByUserId: row.answered_by_user_id,
    contactId: row.contact_id,
    startedAt: row.started_at.toISOString(),
    answeredAt: iso(row.answered_at),
    endedAt: iso(row.ended_at),
    disposition: row.disposition,
    forwardPath: row.forward_path,
    trunkId: row.trunk_id,
    did: row.did,
    rungAgents: row.rung_user_ids,
    routingPath: row.routing_path,
    transfer:
      row.transferred_by && row.transferred_to && row.transfer_kind && row.transfer_call_id
        ? { by: row.transferred_by, to: row.transferred_to, kind: row.transfer_kind, callId: row.transfer_call_id }
        : null,
    durationSeconds:
      row.answered_at && row.ended_at
        ? Math.max(0, Math.round((row.ended_at.getTime() - row.answered_at.getTime()) / 1000))
        : null,
  };
}

/**
 * Calls a scope's users took part in: placed (by user or by extension), answered, or rung (dialled their current
 * extension, or a routed call rang them). `all` is every call.
 */
function involving(eb: ExpressionBuilder<Database, 'call_logs'>, scope: UserScope) {
  if (scope.kind === 'all') return sql<boolean>`true`;
  const members = scopeMembers(scope);
  return eb.or([
    eb('caller_user_id', 'in', members.select('users.id')),
    eb('answered_by_user_id', 'in', members.select('users.id')),
    eb('from_number', 'in', members.select('users.extension')),
    eb('to_number', 'in', members.select('users.extension')),
    sql<boolean>`rung_user_ids && array(${members.select('users.id')})`,
  ]);
}

/** Calls a scope's users handled: placed or answered (who may write notes on them). */
function handledBy(eb: ExpressionBuilder<Database, 'call_logs'>, scope: UserScope) {
  if (scope.kind === 'all') return sql<boolean>`true`;
  const members = scopeMembers(scope);
  return eb.or([
    eb('caller_user_id', 'in', members.select('users.id')),
    eb('answered_by_user_id', 'in', members.select('users.id')),
  ]);
}

/** Whether the scope's users handled the call (placed or answered it). */
export async function callLogHandledBy(db: Db, id: string, scope: UserScope): Promise<boolean> {
  const row = await db
    .selectFrom('call_logs')
    .select('id')
    .where('id', '=', id)
    .where((eb) => handledBy(eb, scope))
    .executeTakeFirst();
  return row !== undefined;
}

export interface CallLogFilter {
  /** Started at or after. */
  from?: Date | undefined;
  /** Started before. */
  to?: Date | undefined;
  /** Placed from, dialled to or answered by this extension. */
  extension?: string | undefined;
  /** Placed by, answered by or rung for this user. */
  agent?: string | undefined;
  contact?: string | undefined;
  direction?: CallDirection | undefined;
  disposition?: CallDisposition | undefined;
  /** The log of this call (its id in the calls feature). */
  callId?: string | undefined;
}

/** Newest first. The cursor is the last row's id; its exact start time is looked up, not carried. */
export async function listCallLogs(
  db: Db,
  scope: UserScope,
  filter: CallLogFilter,
  page: PageRequest,
): Promise<Page<CallLog>> {
  let query = db
    .selectFrom('call_logs')
    .selectAll()
    .where((eb) => involving(eb, scope));
  if (filter.from) query = query.where('started_at', '>=', filter.from);
  if (filter.to) query = query.where('started_at', '<', filter.to);
  if (filter.callId) query = query.where('call_id', '=', filter.callId);
  const extension = filter.extension;
  if (extension) {
    query = query.where((eb) =>
      eb.or([
        eb('from_number', '=', extension),
        eb('to_number', '=', extension),
        eb('answered_by_extension', '=', extension),
      ]),
    );
  }
  const agent = filter.agent;
  if (agent) {
    query = query.where((eb) =>
      eb.or([
        eb('caller_user_id', '=', agent),
        eb('answered_by_user_id', '=', agent),
        sql<boolean>`rung_user_ids @> ARRAY[${agent}]::uuid[]`,
      ]),
    );
  }
  if (filter.contact) query = query.where('contact_id', '=', filter.contact);
  if (filter.direction) query = query.where('direction', '=', filter.direction);
  if (filter.disposition) query = query.where('disposition', '=', filter.disposition);
  if (page.cursor) {
    const [after] = decodeCursor(page.cursor, ['uuid'] as const);
    query = query.where(
      sql<boolean>`(started_at, id) < (select started_at, id from call_logs where id = ${after}::uuid)`,
    );
  }
  const rows = await query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.id], toCallLog);
}

export async function findCallLogById(db: Db, id: string): Promise<CallLog | undefined> {
  const row = await db.selectFrom('call_logs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCallLog(row);
}

/** Whether the scope's users took part in the call (see `involving`). */
export async function callLogInvolves(db: Db, id: string, scope: UserScope): Promise<boolean> {
  const row = await db
    .selectFrom('call_logs')
    .select('id')
    .where('id', '=', id)
    .where((eb) => involving(eb, scope))
    .executeTakeFirst();
  return row !== undefined;
}
