import type { Db } from '../../db/database.js';
import { findUserRowById } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';

/**
 * The caller as the database knows them now. A token says who the caller was at login; role, team and extension
 * may have changed since, and the account may be gone. Services check permissions against this.
 */
export async function currentActor(db: Db, principal: Principal): Promise<Principal> {
  const row = await findUserRowById(db, principal.userId);
  if (!row) throw new AppError('unauthorized', 'this account no longer exists');
  return {
    userId: row.id,
    username: row.username,
    role: row.role,
    extension: row.extension,
    teamId: row.team_id,
  };
}

export function requireRole(actor: Principal, ...roles: Principal['role'][]): void {
  if (!roles.includes(actor.role))
    throw new AppError('forbidden', `this needs the role ${roles.join(' or ')}`);
}
