import type { AnyPbxEvent } from '../../bus/events.js';
import type { Principal } from '../../http/auth.js';
import { canSeePresence } from './presence.access.js';
import type { PresenceView } from './presence.types.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /** A user's presence view changed (computed from Asterisk's registrations and channels and the user's DND). */
    'presence.changed': PresenceView;
    /** A user set or cleared their free-text status (the computing instance then publishes `presence.changed`). */
    'presence.status-changed': { userId: string; teamId: string | null; status: string | null };
  }
}

/** WebSocket visibility: the same rule as `GET /api/presence`. */
export function presenceEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (event.type !== 'presence.changed' && event.type !== 'presence.status-changed') return undefined;
  return canSeePresence(principal, event.data);
}
