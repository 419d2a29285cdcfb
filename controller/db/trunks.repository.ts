import { AppError } from '../errors.js';
import type { Trunk } from '../features/trunks/trunks.schemas.js';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import { translateViolations } from './pg-errors.js';
import type { NewTrunkRow, TrunkRow, TrunkUpdate } from './tables/trunks.js';

export const toTrunk = (row: TrunkRow): Trunk => ({
  id: row.id,
  name: row.name,
  host: row.host,
  port: row.port,
  transport: row.transport,
  register: row.register,
  match: row.match,
  callerId: row.caller_id,
  hasCredentials: row.username !== null && row.password !== null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const trunkViolations = {
  trunks_name_key: () => new AppError('trunk-name-taken', 'a trunk with that name exists'),
};

/** Outbound order: the first trunk created is the one outside calls leave through. */
export async function listTrunks(db: Db, page: PageRequest): Promise<Page<Trunk>> {
  let query = db.selectFrom('trunks').selectAll();
  if (page.cursor) {
    const [at, id] = decodeCursor(page.cursor, ['string', 'uuid'] as const);
    const after = new Date(at);
    if (Number.isNaN(after.getTime()))
      throw new AppError('validation-failed', 'query.cursor: is not a cursor this list gave out');
    query = query.where((eb) =>
      eb.or([eb('created_at', '>', after), eb.and([eb('created_at', '=', after), eb('id', '>', id)])]),
    );
  }
  const rows = await query
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.created_at.toISOString(), row.id], toTrunk);
}

/** Every trunk with its credentials (the provisioner pushes them), in outbound order. */
export async function listTrunkRows(db: Db): Promise<TrunkRow[]> {
  return db.selectFrom('trunks').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** The trunk outside calls leave through: the first created. */
export async function firstTrunkRow(db: Db): Promise<TrunkRow | undefined> {
  return db.selectFrom('trunks').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

export async function findTrunkRow(db: Db, id: string): Promise<TrunkRow | undefined> {
  return db.selectFrom('trunks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The row as it is now, locked for the rest of the transaction (an update checks the whole after the change). */
export async function lockTrunkRow(db: Db, id: string): Promise<TrunkRow | undefined> {
  return db.selectFrom('trunks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertTrunk(db: Db, values: NewTrunkRow): Promise<TrunkRow> {
  return translateViolations(
    () => db.insertInto('trunks').values(values).returningAll().executeTakeFirstOrThrow(),
    trunkViolations,
  );
}

export async function updateTrunk(db: Db, id: string, changes: TrunkUpdate): Promise<TrunkRow | undefined> {
  return translateViolations(
    () =>
      db
        .updateTable('trunks')
        .set({ ...changes, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    trunkViolations,
  );
}

export async function deleteTrunk(db: Db, id: string): Promise<TrunkRow | undefined> {
  return db.deleteFrom('trunks').where('id', '=', id).returningAll().executeTakeFirst();
}

/** Whether any trunk exists (forwarding to an outside number needs one). */
export async function anyTrunk(db: Db): Promise<boolean> {
  return (await db.selectFrom('trunks').select('id').limit(1).executeTakeFirst()) !== undefined;
}
