import type { EventBus } from '../../bus/event-bus.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { findDnd, setDnd, type DndState } from '../../db/dnd.repository.js';
import { findUserById, type User } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { canReadUser } from '../users/users.access.js';
import { asActor } from '../users/actor.js';
import { inTransaction } from '../../db/transaction.js';
import '../call-handling/call-handling.events.js';

const noSuchUser = () => new AppError('no-such-user', 'user not found');

/**
 * Do not disturb, shared by paging (skips a member in DND unless the page is an emergency), calls (a caller gets busy,
 * or the busy forward) and the `*76`/`*78`/`*79` codes. Whoever may read a user may set their DND: themselves, their
 * team's supervisor, admins. Every change is audited and published as `user.dnd-changed`.
 */
export function createDndService(db: Db, bus?: EventBus) {
  async function visibleUser(actor: Principal, userId: string) {
    const user = await findUserById(db, userId);
    if (!user) throw noSuchUser();
    if (!canReadUser(actor, user)) throw new AppError('forbidden', 'you may not change this user');
    return user;
  }
  const publish = (user: User, state: DndState, by: 'api' | 'phone') =>
    bus?.publish('user.dnd-changed', {
      userId: user.id,
      extension: state.extension,
      teamId: user.teamId,
      enabled: state.enabled,
      by,
    });
  return {
    async get(actor: Principal, userId: string): Promise<DndState> {
      await visibleUser(actor, userId);
      const state = await findDnd(db, userId);
      if (!state) throw noSuchUser();
      return state;
    },
    async set(actor: Principal, userId: string, enabled: boolean): Promise<DndState> {
      const user = await visibleUser(actor, userId);
      const state = await asActor(db, actor, async (trx) => {
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
      publish(user, state, 'api');
      return state;
    },
    /** A user's own phone dialled `*78` (on), `*79` (off) or `*76` (toggle); undefined when there is no such user. */
    async setFromPhone(userId: string, change: boolean | 'toggle'): Promise<DndState | undefined> {
      const user = await findUserById(db, userId);
      if (!user) return undefined;
      const state = await inTransaction(db, async (trx) => {
        const current = await findDnd(trx, userId);
        if (!current) return undefined;
        const enabled = change === 'toggle' ? !current.enabled : change;
        const state = await setDnd(trx, userId, enabled);
        await writeAudit(trx, {
          actorUserId: userId,
          actor: auditActor(user),
          action: enabled ? 'user.dnd-on' : 'user.dnd-off',
          target: auditTarget.user(userId),
          details: { extension: user.extension, enabled, from: 'phone' },
        });
        return state;
      });
      if (state) publish(user, state, 'phone');
      return state;
    },
  };
}

export type DndService = ReturnType<typeof createDndService>;
