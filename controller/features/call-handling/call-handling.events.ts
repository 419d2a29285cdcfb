import type { AnyPbxEvent } from '../../bus/events.js';
import type { Principal } from '../../http/auth.js';
import { canReadUser } from '../users/users.access.js';
import type { Forwarding, RingSettings } from './handling.types.js';

/** Whose call handling changed. */
interface UserRef {
  userId: string;
  extension: string;
  teamId: string | null;
}

export type DndChanged = UserRef & { enabled: boolean; by: 'api' | 'phone' };
export type ForwardingChanged = UserRef & Forwarding & { by: 'api' | 'phone' };
export type RingSettingsChanged = UserRef & { ringSettings: RingSettings };
export type SpeedDialsChanged = UserRef & { speedDials: { slot: number; number: string; label: string }[] };

declare module '../../bus/events.js' {
  interface EventMap {
    /** DND turned on or off (API or `*76`/`*78`/`*79`); presence follows it at once. */
    'user.dnd-changed': DndChanged;
    /** Forwarding changed (API or `*72`/`*73`). */
    'user.forwarding-changed': ForwardingChanged;
    'user.ring-settings-changed': RingSettingsChanged;
    /** The `*0N` list was replaced (API). */
    'user.speed-dials-changed': SpeedDialsChanged;
  }
}

const types = new Set([
  'user.dnd-changed',
  'user.forwarding-changed',
  'user.ring-settings-changed',
  'user.speed-dials-changed',
]);

/** Who sees them: whoever may read that user (admins, their team's supervisor, themselves). */
export function handlingEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!types.has(event.type)) return undefined;
  const data = event.data as UserRef;
  return canReadUser(principal, { id: data.userId, teamId: data.teamId });
}
