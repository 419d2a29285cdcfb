import type { AnyPbxEvent } from '../../bus/events.js';
import type { Principal } from '../../http/auth.js';
import { canReadUser } from '../users/users.access.js';
import type { HotdeskSession, LoginVia, LogoutReason } from './hotdesk.types.js';

/** A session as the API and the WebSocket show it: the session itself (SPEC shape, and more). */
export type HotdeskSessionView = HotdeskSession;

export interface HotdeskLoginView extends HotdeskSessionView {
  via: LoginVia;
}

export interface HotdeskLogoutView extends HotdeskSessionView {
  reason: LogoutReason;
  endedAt: string;
}

declare module '../../bus/events.js' {
  interface EventMap {
    /** A user is logged in on a hot desk device (committed): it rings for them and calls as them. */
    'hotdesk.login': HotdeskLoginView;
    /** The session ended (`reason`: user, replaced, idle, scheduled, admin); the device is a guest again. */
    'hotdesk.logout': HotdeskLogoutView;
  }
}

/** Who sees a session, in a list or as an event: as users are seen (admins, the user, their team's supervisors). */
export const canSeeHotdeskSession = (principal: Principal, session: HotdeskSessionView): boolean =>
  canReadUser(principal, { id: session.userId, teamId: session.teamId });

export function hotdeskEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (event.type !== 'hotdesk.login' && event.type !== 'hotdesk.logout') return undefined;
  return canSeeHotdeskSession(principal, event.data);
}
