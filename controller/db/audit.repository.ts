import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import type { AuditRow } from './tables/audit-log.js';
import type { Database } from './tables/index.js';
import { escapeLike, scopeMembers, type UserScope } from './users.repository.js';

/** One line of the audit log as the API returns it. */
export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: string | null;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

export interface NewAuditEntry {
  actorUserId: string | null;
  /** Readable even after the user is deleted: `auditActor(...)` or "system". */
  actor: string;
  /** Dotted lowercase, like the events: `user.created`, `supervision.started`, `hotdesk.login`. */
  action: string;
  /** What it was done to: `auditTarget.user(id)`, `auditTarget.device(id)`, … (so a team's entries can be found). */
  target: string;
  details?: Record<string, unknown>;
  /** When it happened, if not now (an entry written late, once the database was back). */
  at?: Date;
}

/** The conventional actor label: `alice (1001)`. */
export const auditActor = (who: { username: string; extension: string }) =>
  `${who.username} (${who.extension})`;

/** Target references, `<kind>:<id>`. Supervisors see entries whose target is `user:<id>` of their team. */
export const auditTarget = {
  user: (id: string) => `user:${id}`,
  device: (id: string) => `device:${id}`,
  team: (id: string) => `team:${id}`,
  contact: (id: string) => `contact:${id}`,
  call: (id: string) => `call:${id}`,
  pagingGroup: (id: string) => `paging-group:${id}`,
  pagingZone: (id: string) => `paging-zone:${id}`,
  page: (id: string) => `page:${id}`,
  trunk: (id: string) => `trunk:${id}`,
  inboundRoute: (id: string) => `inbound-route:${id}`,
  recording: (id: string) => `recording:${id}`,
  /** A route pattern, for refused requests: `route:PATCH /api/users/:id`. */
  route: (method: string, url: string) => `route:${method} ${url}`,
};

/** Appends to the audit log; pass the transaction that makes the change so both commit or neither does. */
export async function writeAudit(db: Db, entry: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_user_id: entry.actorUserId,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: JSON.stringify(entry.details ?? {}),
      ...(entry.at ? { at: entry.at } : {}),
    })
    .execute();
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorUserId: row.actor_user_id,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: row.details,
  };
}

export interface AuditFilter {
  /** Exact action, or a prefix when it ends in `.*` (`user.*`). */
  action?: string | undefined;
  /** The actor's user id. */
  actorUserId?: string | undefined;
  /** The actor's username (any case), also for deleted users, or "system". */
  actorName?: string | undefined;
  /** Exactly this target (`user:<id>`). */
  target?: string | undefined;
  /** ISO-8601: entries at or after `since`, before `until`. */
  since?: string | undefined;
  until?: string | undefined;
}

/** Entries done by, or to (target `user:<id>`), the scope's users. */
function involving(eb: ExpressionBuilder<Database, 'audit_log'>, scope: UserScope) {
  if (scope.kind === 'all') return sql<boolean>`true`;
  const members = scopeMembers(scope);
  return eb.or([
    eb('actor_user_id', 'in', members.select('users.id')),
    eb('target', 'in', members.select(sql<string>`'user:' || users.id::text`.as('target'))),
  ]);
}

/** Newest first. */
export async function listAudit(
  db: Db,
  scope: UserScope,
  filter: AuditFilter,
  page: PageRequest,
): Promise<Page<AuditEntry>> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) => involving(eb, scope));
  const { action, actorName } = filter;
  if (action?.endsWith('.*')) query = query.where('action', 'like', `${escapeLike(action.slice(0, -1))}%`);
  else if (action) query = query.where('action', '=', action);
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.target) query = query.where('target', '=', filter.target);
  if (filter.since) query = query.where('at', '>=', new Date(filter.since));
  if (filter.until) query = query.where('at', '<', new Date(filter.until));
  if (actorName) {
    const name = actorName.toLowerCase();
    query = query.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['actor']), '=', name),
        eb(eb.fn('lower', ['actor']), 'like', `${escapeLike(name)} (%`),
      ]),
    );
  }
  if (page.cursor) query = query.where('id', '<', decodeCursor(page.cursor, ['number'] as const)[0]);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.id], toAuditEntry);
}
