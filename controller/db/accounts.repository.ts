import type { Db } from './database.js';
import type { AccountOwner } from '../features/accounts/sip-objects.js';

/** Reads what SIP provisioning needs (including SIP passwords) from the users and devices tables. */

const userOwner = (row: {
  id: string;
  extension: string;
  display_name: string;
  sip_password: string;
}): AccountOwner => ({
  kind: 'user',
  id: row.id,
  extension: row.extension,
  displayName: row.display_name,
  sipPassword: row.sip_password,
});

const deviceOwner = (row: {
  id: string;
  name: string;
  sip_password: string;
  desk_name: string | null;
  desk_extension: string | null;
}): AccountOwner => ({
  kind: 'device',
  id: row.id,
  name: row.name,
  sipPassword: row.sip_password,
  ...(row.desk_extension !== null
    ? { loggedIn: { displayName: row.desk_name ?? '', extension: row.desk_extension } }
    : {}),
});

/** Devices with the user logged in on them (hot desk), if any. */
const devicesWithDesk = (db: Db) =>
  db
    .selectFrom('devices')
    .leftJoin('hotdesk_sessions as s', 's.device_id', 'devices.id')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .select([
      'devices.id',
      'devices.name',
      'devices.sip_password',
      'u.display_name as desk_name',
      'u.extension as desk_extension',
    ]);

/** Every owner of SIP accounts: users (by extension) then devices (by id), in a stable order. */
export async function listAccountOwners(db: Db): Promise<AccountOwner[]> {
  const users = await db
    .selectFrom('users')
    .select(['id', 'extension', 'display_name', 'sip_password'])
    .orderBy('extension')
    .execute();
  const devices = await devicesWithDesk(db).orderBy('devices.id').execute();
  return [...users.map(userOwner), ...devices.map(deviceOwner)];
}

export async function findAccountOwner(
  db: Db,
  kind: AccountOwner['kind'],
  id: string,
): Promise<AccountOwner | undefined> {
  if (kind === 'user') {
    const row = await db
      .selectFrom('users')
      .select(['id', 'extension', 'display_name', 'sip_password'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && userOwner(row);
  }
  const row = await devicesWithDesk(db).where('devices.id', '=', id).executeTakeFirst();
  return row && deviceOwner(row);
}
