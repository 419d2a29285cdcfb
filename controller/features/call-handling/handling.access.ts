import type { Db } from '../../db/database.js';
import { findUserById, type User } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { canReadUser } from '../users/users.access.js';

export const noSuchUser = () => new AppError('no-such-user', 'user not found');

/** A user's call handling is read by whoever may read the user: themselves, their team's supervisor, admins. */
export async function readableUser(db: Db, actor: Principal, userId: string): Promise<User> {
  const user = await findUserById(db, userId);
  if (!user) throw noSuchUser();
  if (!canReadUser(actor, user)) throw new AppError('forbidden', 'you may not see this user');
  return user;
}

/** …and changed only by the user or an admin. */
export async function writableUser(db: Db, actor: Principal, userId: string): Promise<User> {
  const user = await readableUser(db, actor, userId);
  if (actor.role !== 'admin' && actor.userId !== userId)
    throw new AppError('forbidden', 'only the user or an admin changes this');
  return user;
}
