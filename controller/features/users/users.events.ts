import type { User } from '../../db/users.repository.js';

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
