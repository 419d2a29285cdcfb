import type { Db } from './database.js';

/** A user reachable by extension, with the ids of the devices they own (their SIP account names). */
export interface DirectoryEntry {
  userId: string;
  extension: string;
  displayName: string;
  deviceIds: string[];
}

export async function findByExtension(db: Db, extension: string): Promise<DirectoryEntry | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'extension', 'display_name'])
    .where('extension', '=', extension)
    .executeTakeFirst();
  if (!user) return undefined;
  const devices = await db
    .selectFrom('devices')
    .select('id')
    .where('owner_user_id', '=', user.id)
    .orderBy('id')
    .execute();
  return {
    userId: user.id,
    extension: user.extension,
    displayName: user.display_name,
    deviceIds: devices.map((d) => d.id),
  };
}

/** A shared device's account: its name and owner (if any). */
export async function findDevice(
  db: Db,
  deviceId: string,
): Promise<{ name: string; ownerUserId: string | null } | undefined> {
  const row = await db
    .selectFrom('devices')
    .select(['name', 'owner_user_id'])
    .where('id', '=', deviceId)
    .executeTakeFirst();
  return row ? { name: row.name, ownerUserId: row.owner_user_id } : undefined;
}

export async function findUserById(db: Db, userId: string): Promise<DirectoryEntry | undefined> {
  const user = await db.selectFrom('users').select('extension').where('id', '=', userId).executeTakeFirst();
  return user ? findByExtension(db, user.extension) : undefined;
}

/** A user logged in on a hot desk device. */
export interface DeskSession {
  deviceId: string;
  userId: string;
  sessionId: string;
}

/** The hot desk sessions on these devices or of this user (what decides where a user's calls ring). */
export async function findDeskSessions(db: Db, deviceIds: string[], userId?: string): Promise<DeskSession[]> {
  if (deviceIds.length === 0 && !userId) return [];
  const rows = await db
    .selectFrom('hotdesk_sessions')
    .select(['device_id', 'user_id', 'id'])
    .where((eb) =>
      eb.or([
        ...(deviceIds.length > 0 ? [eb('device_id', 'in', deviceIds)] : []),
        ...(userId ? [eb('user_id', '=', userId)] : []),
      ]),
    )
    .execute();
  return rows.map((row) => ({ deviceId: row.device_id, userId: row.user_id, sessionId: row.id }));
}

/** Every user's directory entry and every device with its owner: what the calls feature keeps in memory. */
export async function listDirectory(db: Db): Promise<{
  users: DirectoryEntry[];
  devices: { id: string; name: string; ownerUserId: string | null }[];
  sessions: DeskSession[];
}> {
  const [users, devices, sessions] = await Promise.all([
    db.selectFrom('users').select(['id', 'extension', 'display_name']).execute(),
    db.selectFrom('devices').select(['id', 'name', 'owner_user_id']).orderBy('id').execute(),
    db.selectFrom('hotdesk_sessions').select(['device_id', 'user_id', 'id']).execute(),
  ]);
  const owned = new Map<string, string[]>();
  for (const d of devices)
    if (d.owner_user_id) owned.set(d.owner_user_id, [...(owned.get(d.owner_user_id) ?? []), d.id]);
  return {
    users: users.map((user) => ({
      userId: user.id,
      extension: user.extension,
      displayName: user.display_name,
      deviceIds: owned.get(user.id) ?? [],
    })),
    devices: devices.map((d) => ({ id: d.id, name: d.name, ownerUserId: d.owner_user_id })),
    sessions: sessions.map((row) => ({ deviceId: row.device_id, userId: row.user_id, sessionId: row.id })),
  };
}
