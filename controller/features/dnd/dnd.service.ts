import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { findDnd, setDnd, type DndState } from '../../db/dnd.repository.js';
import { findUserById } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { canReadUser } from '../users/users.access.js';
import { asActor } from '../users/actor.js';

const noSuchUser = () => new AppError('no-such-user', 'user not found');

/**
 * Do not disturb, shared by paging (skips a member in DND unless the page is an emergency) and, later, calls and the
 * `*76`/`*78`/`*79` codes. Whoever may read a user may set their DND: themselves, their team's supervisor, admins.
 */
export function createDndService(db: Db) {
  async function visibleUser(actor: Principal, userId: string) {
    const user = await findUserById(db, userId);
    if (!user) throw noSuchUser();
    if (!canReadUser(actor, user)) throw new AppError('forbidden', 'you may not change this user');
    return user;
  }
  return {
    async get(actor: Principal, userId: string): Promise<DndState> {
      await visibleUser(actor, userId);
      const state = await findDnd(db, userId);
      if (!state) throw noSuchUser();
      return state;
    },
    async set(actor: Principal, userId: string, enabled: boolean): Promise<DndState> {
      await visibleUser(actor, userId);
      return asActor(db, actor, async (trx) => {
        const state = await setDnd(trx, userId, enabled);
        if (!state) throw noSuchUser();
        await writeAudit(trx, {
          actorUserId: actor.userId,
          actor: auditActor(actor),
          action: enabled ? 'user.dnd-on' : 'user.dnd-off',
          target: auditTarget.user(userId),
          details: { extension: state.extension, enabled },
        });
        return state;
      });
    },
  };
}

export type DndService = ReturnType<typeof createDndService>;
