import { sql } from 'kysely';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import type { AuditRow } from './tables/audit-log.js';

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
}

/** The conventional actor label: `alice (1001)`. */
export const auditActor = (who: { username: string; extension: string }) => `${who.username} (${who.extension})`;

/** Target references, `<kind>:<id>`. Supervisors see entries whose target is `user:<id>` of their team. */
export const auditTarget = {
  user: (id: string) => `user:${id}`,
  device: (id: string) => `device:${id}`,
  team: (id: string) => `team:${id}`,
  contact: (id: string) => `contact:${id}`,
  call: (id: string) => `call:${id}`,
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
  /** Only entries done by, or to, a member of this team. */
  teamId?: string | undefined;
}

/** Newest first. */
export async function listAudit(db: Db, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.action?.endsWith('.*')) query = query.where('action', 'like', `${filter.action.slice(0, -1)}%`);
  else if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.teamId) {
    const members = db.selectFrom('users').where('team_id', '=', filter.teamId);
    query = query.where((eb) =>
      eb.or([
        eb('actor_user_id', 'in', members.select('id')),
        eb('target', 'in', members.select(sql<string>`'user:' || id::text`.as('target'))),
      ]),
    );
  }
  if (page.cursor) query = query.where('id', '<', decodeCursor(page.cursor, ['number'] as const)[0]);
  const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
  return toPage(rows, page.limit, (row) => [row.id], toAuditEntry);
}
