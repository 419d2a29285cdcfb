import { sql } from 'kysely';
import { AppError } from '../errors.js';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import { translateViolations } from './pg-errors.js';
import type { FallbackKind, InboundRouteRow, NewInboundRouteRow } from './tables/inbound-routes.js';

/** An inbound route as the API shows it (SPEC names). */
export interface InboundRoute {
  id: string;
  did: string;
  teamId: string;
  assignedRingSeconds: number;
  fallback: { kind: FallbackKind; target?: string };
  createdAt: string;
  updatedAt: string;
}

export const toInboundRoute = (row: InboundRouteRow): InboundRoute => ({
  id: row.id,
  did: row.did,
  teamId: row.team_id,
  assignedRingSeconds: row.assigned_ring_seconds,
  fallback:
    row.fallback_target === null
      ? { kind: row.fallback_kind }
      : { kind: row.fallback_kind, target: row.fallback_target },
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const violations = {
  inbound_routes_did_key: () => new AppError('did-taken', 'another inbound route has that DID'),
  inbound_routes_team_id_fkey: () => new AppError('no-such-team', 'team not found'),
};

export async function findInboundRouteById(db: Db, id: string): Promise<InboundRoute | undefined> {
  const row = await db.selectFrom('inbound_routes').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toInboundRoute(row);
}

/** The route of a dialled number (E.164): one indexed lookup (`inbound_routes_did_key`). */
export async function findInboundRouteByDid(db: Db, did: string): Promise<InboundRoute | undefined> {
  const row = await db.selectFrom('inbound_routes').selectAll().where('did', '=', did).executeTakeFirst();
  return row && toInboundRoute(row);
}

/** By DID (E.164 sorts as text: by country code, then number). */
export async function listInboundRoutes(db: Db, page: PageRequest): Promise<Page<InboundRoute>> {
  let query = db.selectFrom('inbound_routes').selectAll();
  if (page.cursor) {
    const [did] = decodeCursor(page.cursor, ['string'] as const);
    query = query.where('did', '>', did);
  }
  const rows = await query
    .orderBy('did')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.did], toInboundRoute);
}

export async function insertInboundRoute(db: Db, values: NewInboundRouteRow): Promise<InboundRoute> {
  const row = await translateViolations(
    () => db.insertInto('inbound_routes').values(values).returningAll().executeTakeFirstOrThrow(),
    violations,
  );
  return toInboundRoute(row);
}

export async function updateInboundRoute(
  db: Db,
  id: string,
  values: Omit<NewInboundRouteRow, 'id'>,
): Promise<InboundRoute | undefined> {
  const row = await translateViolations(
    () =>
      db
        .updateTable('inbound_routes')
        .set({ ...values, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    violations,
  );
  return row && toInboundRoute(row);
}

export async function deleteInboundRoute(db: Db, id: string): Promise<InboundRoute | undefined> {
  const row = await db.deleteFrom('inbound_routes').where('id', '=', id).returningAll().executeTakeFirst();
  return row && toInboundRoute(row);
}
