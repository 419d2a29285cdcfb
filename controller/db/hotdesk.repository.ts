import type { Db } from './database.js';
import { uniqueViolation } from './pg-errors.js';
import type { HotdeskDevice, HotdeskSession, HotdeskUser } from '../features/hotdesk/hotdesk.types.js';

/** Sessions with their user and device, as the hot desk feature sees them. */
function sessions(db: Db) {
  return db
    .selectFrom('hotdesk_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('devices as d', 'd.id', 's.device_id')
    .select([
      's.id',
      's.device_id',
      's.user_id',
      's.via',
      's.started_at',
      's.last_activity_at',
      'u.extension',
      'u.display_name',
      'u.team_id',
      'd.name as device_name',
    ]);
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof sessions>['execute']>>[number];

const toSession = (row: SessionRow): HotdeskSession => ({
  id: row.id,
  deviceId: row.device_id,
  deviceName: row.device_name,
  userId: row.user_id,
  extension: row.extension,
  displayName: row.display_name,
  teamId: row.team_id,
  via: row.via,
  startedAt: row.started_at.toISOString(),
  lastActivityAt: row.last_activity_at.toISOString(),
});

export async function listHotdeskSessions(db: Db): Promise<HotdeskSession[]> {
  return (await sessions(db).orderBy('s.started_at').execute()).map(toSession);
}

/**
 * The sessions a log-in can end (this device's, this user's), locked for the transaction. Another log-in racing this
 * one for the same user on another device does not see this one's new row: the unique constraint settles it.
 */
export async function lockSessionsOf(db: Db, deviceId: string, userId: string): Promise<HotdeskSession[]> {
  const rows = await sessions(db)
    .where((eb) => eb.or([eb('s.device_id', '=', deviceId), eb('s.user_id', '=', userId)]))
    .forUpdate('s')
    .execute();
  return rows.map(toSession);
}

export async function lockAllSessions(db: Db): Promise<HotdeskSession[]> {
  return (await sessions(db).orderBy('s.started_at').forUpdate('s').skipLocked().execute()).map(toSession);
}

/** Inserts a session; false when the device or the user got one meanwhile (a concurrent log-in won). */
export async function insertHotdeskSession(db: Db, session: HotdeskSession): Promise<boolean> {
  try {
    await db
      .insertInto('hotdesk_sessions')
      .values({
        id: session.id,
        device_id: session.deviceId,
        user_id: session.userId,
        via: session.via,
        started_at: new Date(session.startedAt),
        last_activity_at: new Date(session.lastActivityAt),
      })
      .execute();
    return true;
  } catch (error) {
    const constraint = uniqueViolation(error);
    if (constraint === 'hotdesk_sessions_user_id_key' || constraint === 'hotdesk_sessions_device_id_key')
      return false;
    throw error;
  }
}

export async function deleteHotdeskSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('hotdesk_sessions').where('id', '=', id).execute();
}

export async function touchHotdeskSession(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('hotdesk_sessions')
    .set({ last_activity_at: at })
    .where('id', '=', id)
    .where('last_activity_at', '<', at)
    .execute();
}

export async function findHotdeskDevice(db: Db, id: string): Promise<HotdeskDevice | undefined> {
  const row = await db
    .selectFrom('devices')
    .select(['id', 'name', 'hotdesk'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row;
}

export async function listHotdeskDeviceIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('devices').select('id').where('hotdesk', '=', true).execute();
  return rows.map((row) => row.id);
}

/** The user behind an extension, with what a log-in checks (the PIN's hash) and the audit log names. */
export async function findHotdeskUser(
  db: Db,
  by: { extension: string } | { userId: string },
): Promise<(HotdeskUser & { username: string; pinHash: string | null }) | undefined> {
  const query = db
    .selectFrom('users')
    .select(['id', 'username', 'extension', 'display_name', 'team_id', 'pin_hash']);
  const row = await (
    'extension' in by ? query.where('extension', '=', by.extension) : query.where('id', '=', by.userId)
  ).executeTakeFirst();
  return (
    row && {
      id: row.id,
      username: row.username,
      extension: row.extension,
      displayName: row.display_name,
      teamId: row.team_id,
      pinHash: row.pin_hash,
    }
  );
}
