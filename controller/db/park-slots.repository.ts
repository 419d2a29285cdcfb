import { sql, type Generated } from 'kysely';
import type { Db } from './database.js';

/** `park_slots` (migrations/0003-parking.ts): one row per slot 701-799; `park_id` set = occupied. */
export interface ParkSlotsTable {
  slot: string;
  park_id: string | null;
  channel_id: string | null;
  caller_id_number: string | null;
  caller_id_name: string | null;
  parker_extension: string | null;
  parked_at: Date | null;
  timeout_at: Date | null;
  /** The park's whole state (parking feature), so a restarted controller resumes it. */
  state: unknown;
  updated_at: Generated<Date>;
}

const parking = (db: Db) => db.withTables<{ park_slots: ParkSlotsTable }>();

/** A slot as the parking feature reads it. */
export interface ParkSlotRow {
  slot: string;
  parkId: string | null;
  channelId: string | null;
  callerIdNumber: string | null;
  callerIdName: string | null;
  parkerExtension: string | null;
  parkedAt: Date | null;
  timeoutAt: Date | null;
  state: unknown;
}

const toRow = (row: Omit<ParkSlotsTable, 'updated_at'>): ParkSlotRow => ({
  slot: row.slot,
  parkId: row.park_id,
  channelId: row.channel_id,
  callerIdNumber: row.caller_id_number,
  callerIdName: row.caller_id_name,
  parkerExtension: row.parker_extension,
  parkedAt: row.parked_at,
  timeoutAt: row.timeout_at,
  state: row.state,
});

const columns = [
  'slot',
  'park_id',
  'channel_id',
  'caller_id_number',
  'caller_id_name',
  'parker_extension',
  'parked_at',
  'timeout_at',
  'state',
] as const;

/**
 * Takes a slot for a park, atomically: the given slot if it is free, else (no slot given) the lowest free one. Two
 * requests, on any number of controller instances, never get the same slot: a specific slot is a conditional UPDATE,
 * the lowest free one is locked with `FOR UPDATE SKIP LOCKED` (a request skips a slot another is taking). Returns the
 * slot, or undefined when it is taken (or all are).
 */
export async function allocateSlot(
  db: Db,
  request: { parkId: string; channelId: string; slot?: string },
): Promise<string | undefined> {
  const pdb = parking(db);
  const occupant = {
    park_id: request.parkId,
    channel_id: request.channelId,
    state: null,
    updated_at: sql<Date>`now()`,
  };
  const query = request.slot
    ? pdb
        .updateTable('park_slots')
        .set(occupant)
        .where('slot', '=', request.slot)
        .where('park_id', 'is', null)
    : pdb
        .updateTable('park_slots')
        .set(occupant)
        .where('park_id', 'is', null)
        .where(
          'slot',
          '=',
          pdb
            .selectFrom('park_slots')
            .select('slot')
            .where('park_id', 'is', null)
            .orderBy('slot')
            .limit(1)
            .forUpdate()
            .skipLocked(),
        );
  const row = await query.returning('slot').executeTakeFirst();
  return row?.slot;
}

/** Writes what a park looks like now onto its slot (only while the slot is still this park's). */
export async function saveParkSlot(
  db: Db,
  park: {
    slot: string;
    parkId: string;
    channelId: string;
    callerIdNumber: string;
    callerIdName: string;
    parkerExtension: string | null;
    parkedAt: string | null;
    timeoutAt: string;
    state: unknown;
  },
): Promise<void> {
  await parking(db)
    .updateTable('park_slots')
    .set({
      channel_id: park.channelId,
      caller_id_number: park.callerIdNumber,
      caller_id_name: park.callerIdName,
      parker_extension: park.parkerExtension,
      parked_at: park.parkedAt ? new Date(park.parkedAt) : null,
      timeout_at: new Date(park.timeoutAt),
      state: JSON.stringify(park.state),
      updated_at: sql<Date>`now()`,
    })
    .where('slot', '=', park.slot)
    .where('park_id', '=', park.parkId)
    .execute();
}

/** Frees the slot if this park still holds it. */
export async function freeParkSlot(db: Db, slot: string, parkId: string): Promise<void> {
  await parking(db)
    .updateTable('park_slots')
    .set({
      park_id: null,
      channel_id: null,
      caller_id_number: null,
      caller_id_name: null,
      parker_extension: null,
      parked_at: null,
      timeout_at: null,
      state: null,
      updated_at: sql<Date>`now()`,
    })
    .where('slot', '=', slot)
    .where('park_id', '=', parkId)
    .execute();
}

/** All 99 slots in order. */
export async function listParkSlots(db: Db): Promise<ParkSlotRow[]> {
  const rows = await parking(db).selectFrom('park_slots').select(columns).orderBy('slot').execute();
  return rows.map(toRow);
}

export async function findParkSlot(db: Db, slot: string): Promise<ParkSlotRow | undefined> {
  const row = await parking(db)
    .selectFrom('park_slots')
    .select(columns)
    .where('slot', '=', slot)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/** Occupied slots (a restarted controller resumes their parks). */
export async function occupiedParkSlots(db: Db): Promise<ParkSlotRow[]> {
  const rows = await parking(db)
    .selectFrom('park_slots')
    .select(columns)
    .where('park_id', 'is not', null)
    .orderBy('slot')
    .execute();
  return rows.map(toRow);
}
