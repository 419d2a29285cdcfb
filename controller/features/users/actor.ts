import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { shareLockUserRow } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';

export function requireRole(actor: Principal, ...roles: Principal['role'][]): void {
  if (!roles.includes(actor.role))
    throw new AppError('forbidden', `this needs the role ${roles.join(' or ')}`);
}

/**
 * Runs `work` in a transaction (retried on deadlocks, see db/transaction.ts) in which the actor is still who the
 * permission checks before it saw: their row is share-locked, so a concurrent change of their role or team waits
 * for this write, or this write sees it and is refused with 409 `conflict`. Without it two admins demoting each
 * other at once could both succeed and leave no admin.
 */
export async function asActor<T>(db: Db, actor: Principal, work: (trx: Db) => Promise<T>): Promise<T> {
  return inTransaction(db, async (trx) => {
    const row = await shareLockUserRow(trx, actor.userId);
    if (!row) throw new AppError('unauthorized', 'this account no longer exists');
    if (row.role !== actor.role || row.team_id !== actor.teamId) {
      throw new AppError('conflict', 'your role or team changed while this request ran; try again');
    }
    return work(trx);
  });
}
