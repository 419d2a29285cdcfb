import type { AnyPbxEvent } from '../../bus/events.js';
import type { User } from '../../db/users.repository.js';
import type { Principal } from '../../http/auth.js';
import { canReadUser } from './users.access.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /** A user was created (data: the user, without secrets). */
    'user.created': User;
    /** A user changed (data: the user as it is now, e.g. with a new extension). */
    'user.updated': User;
    /** A user was deleted (data: the user as it was). */
    'user.deleted': User;
  }
}

const userEventTypes = new Set(['user.created', 'user.updated', 'user.deleted']);

/** Who sees a user's changes on the WebSocket: whoever may read that user (admins, their supervisor, themselves). */
export function userEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!userEventTypes.has(event.type)) return undefined;
  return canReadUser(principal, event.data as User);
}
