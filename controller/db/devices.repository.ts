import { AppError } from '../errors.js';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import { translateViolations } from './pg-errors.js';
import type { DeviceRow, DeviceUpdate, NewDeviceRow } from './tables/devices.js';

/** A desk phone or shared phone as the API returns it: its SIP password is write-only and never here. */
export interface Device {
  id: string;
  name: string;
  location: string;
  hotdesk: boolean;
  ownerUserId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const toDevice = (row: DeviceRow): Device => ({
  id: row.id,
  name: row.name,
  location: row.location,
  hotdesk: row.hotdesk,
  ownerUserId: row.owner_user_id,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const deviceViolations = {
  devices_pkey: () => new AppError('device-id-taken', 'a device with that id exists'),
  devices_owner_user_id_fkey: () => new AppError('no-such-user', 'owner user not found'),
};

/** The row with its SIP password, for the features that provision its SIP account. */
export async function findDeviceRowById(db: Db, id: string): Promise<DeviceRow | undefined> {
  return db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface DeviceFilter {
  hotdesk?: boolean | undefined;
  ownerUserId?: string | undefined;
}

/** Devices in id order. */
export async function listDevices(db: Db, filter: DeviceFilter, page: PageRequest): Promise<Page<Device>> {
  let query = db.selectFrom('devices').selectAll();
  if (filter.hotdesk !== undefined) query = query.where('hotdesk', '=', filter.hotdesk);
  if (filter.ownerUserId) query = query.where('owner_user_id', '=', filter.ownerUserId);
  if (page.cursor) query = query.where('id', '>', decodeCursor(page.cursor, ['string'] as const)[0]);
  const rows = await query
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, (row) => [row.id], toDevice);
}

export async function insertDevice(db: Db, values: NewDeviceRow): Promise<Device> {
  const row = await translateViolations(
    () => db.insertInto('devices').values(values).returningAll().executeTakeFirstOrThrow(),
    deviceViolations,
  );
  return toDevice(row);
}

export async function updateDevice(db: Db, id: string, changes: DeviceUpdate): Promise<Device | undefined> {
  const row = await translateViolations(
    () =>
      db
        .updateTable('devices')
        .set({ ...changes, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    deviceViolations,
  );
  return row && toDevice(row);
}

export async function deleteDevice(db: Db, id: string): Promise<Device | undefined> {
  const row = await db.deleteFrom('devices').where('id', '=', id).returningAll().executeTakeFirst();
  return row && toDevice(row);
}
