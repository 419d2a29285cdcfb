import type { Db } from '../../db/database.js';
import { countUsers } from '../../db/users.repository.js';
import { hashSecret, randomSipPassword } from '../auth/password.js';

/**
 * On an empty database, creates the first admin from ADMIN_USERNAME / ADMIN_PASSWORD. Two instances starting at
 * once both try; the unique username lets only one row in, and the other's insert does nothing.
 */
export async function ensureFirstAdmin(
  db: Db,
  admin: { username?: string; password?: string; extension: string },
): Promise<boolean> {
  if (!admin.username || !admin.password || (await countUsers(db)) > 0) return false;
  const result = await db
    .insertInto('users')
    .values({
      username: admin.username,
      display_name: 'Administrator',
      extension: admin.extension,
      role: 'admin',
      team_id: null,
      password_hash: await hashSecret(admin.password),
      sip_password: randomSipPassword(),
      pin_hash: null,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
