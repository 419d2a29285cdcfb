import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import { setPresenceStatus } from '../../db/presence.repository.js';
import { findUserById } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { canSetStatus } from './presence.access.js';
import './presence.events.js';
import { normaliseStatus } from './presence.rules.js';

export interface PresenceStatus {
  userId: string;
  status: string | null;
}

/**
 * A user's free-text status (`PUT /users/{id}/presence-status`): the user or an admin sets it; stored on the user
 * (it survives restarts) and published as `presence.status-changed`, which the instance computing presence folds
 * into the user's view (and so into a `presence.changed`). Blank text clears it.
 */
export function createPresenceStatusService(db: Db, bus: EventBus) {
  return {
    async set(actor: Principal, userId: string, status: string | null): Promise<PresenceStatus> {
      const user = await findUserById(db, userId);
      if (!user) throw new AppError('no-such-user', 'user not found');
      if (!canSetStatus(actor, userId))
        throw new AppError('forbidden', 'only the user or an admin sets a status');
      const saved = await setPresenceStatus(db, userId, normaliseStatus(status));
      if (!saved) throw new AppError('no-such-user', 'user not found');
      bus.publish('presence.status-changed', { userId, teamId: saved.teamId, status: saved.status });
      return { userId, status: saved.status };
    },
  };
}

export type PresenceStatusService = ReturnType<typeof createPresenceStatusService>;
