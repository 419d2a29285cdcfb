import type { ChannelState } from '../../ari/pbx.facts.js';
import type { ChannelPhase, PresenceDevice, PresenceState, PresenceView } from './presence.types.js';

/**
 * The pure rules of presence: plain values in, plain values out, no clock (the time is given).
 *
 * A channel counts as Asterisk's `ast_state_chan2dev()` counts it for device state: `Ringing` (a phone being rung)
 * is ringing; `Ring` (a phone that dialled and waits), `Dialing`, `OffHook`, `Rsrvd`, `Up` and `Busy` are in use;
 * `Down` (a leg created but not dialled yet) and `Unknown` count for nothing.
 */
export function channelPhaseOf(state: ChannelState): ChannelPhase {
  switch (state) {
    case 'Ringing':
      return 'ringing';
    case 'Ring':
    case 'Dialing':
    case 'OffHook':
    case 'Rsrvd':
    case 'Up':
    case 'Busy':
      return 'busy';
    case 'Down':
    case 'Unknown':
      return 'idle';
    default: {
      // A state this Asterisk should not report counts for nothing.
      const never: never = state;
      void never;
      return 'idle';
    }
  }
}

export interface PresenceInput {
  devices: readonly PresenceDevice[];
  /** The phases of the channels on the user's accounts. */
  phases: readonly ChannelPhase[];
  dnd: boolean;
}

/**
 * One user's state. Precedence: on-call > offline > dnd > ringing > available.
 * - A call in progress (any channel in use) is `on-call`, also in DND: the call is what a supervisor needs to see,
 *   and routing excludes both alike (as Wazo's line state "talking" beats the user's DND).
 * - Nothing registered and no channel: `offline`, also in DND (nobody can be reached; the `dnd` flag stays visible
 *   in the view).
 * - Registered in DND: `dnd`, also while a device rings (an intercom or an emergency page may ring through DND).
 */
export function presenceStateOf(input: PresenceInput): PresenceState {
  if (input.phases.includes('busy')) return 'on-call';
  const registered = input.devices.some((d) => d.registered);
  const ringing = input.phases.includes('ringing');
  if (!registered && !ringing) return 'offline';
  if (input.dnd) return 'dnd';
  return ringing ? 'ringing' : 'available';
}

/** What the view of a user is now, apart from the times (`since`, `lastSeenAt`) that depend on the previous one. */
export type ComputedView = Omit<PresenceView, 'since' | 'lastSeenAt'>;

/**
 * The view after a computation: `since` moves only when the state changes; `lastSeenAt` moves when the set of
 * registered devices changes (a device registered or unregistered). A first view starts `since` now, and
 * `lastSeenAt` now if something is registered.
 */
export function nextView(
  previous: PresenceView | undefined,
  computed: ComputedView,
  now: string,
): PresenceView {
  const registered = registeredAccounts(computed.devices);
  if (!previous) return { ...computed, since: now, lastSeenAt: registered.length > 0 ? now : null };
  const since = previous.state === computed.state ? previous.since : now;
  const changed = registered.join(' ') !== registeredAccounts(previous.devices).join(' ');
  return { ...computed, since, lastSeenAt: changed ? now : previous.lastSeenAt };
}

const registeredAccounts = (devices: readonly PresenceDevice[]) =>
  devices
    .filter((d) => d.registered)
    .map((d) => d.account)
    .sort();

/** Whether two views say the same (nothing to publish when a repeated event computes the same view). */
export function sameView(a: PresenceView | undefined, b: PresenceView): boolean {
  if (!a) return false;
  return (
    a.state === b.state &&
    a.since === b.since &&
    a.lastSeenAt === b.lastSeenAt &&
    a.extension === b.extension &&
    a.displayName === b.displayName &&
    a.teamId === b.teamId &&
    a.dnd === b.dnd &&
    a.status === b.status &&
    a.stale === b.stale &&
    a.devices.length === b.devices.length &&
    a.devices.every(
      (d, i) => d.account === b.devices[i]!.account && d.registered === b.devices[i]!.registered,
    )
  );
}

/** The status a user may set: trimmed, 1-100 characters, no control characters; empty means none. */
export const STATUS_MAX_LENGTH = 100;

export function statusProblem(status: string): string | undefined {
  if (status.trim().length > STATUS_MAX_LENGTH)
    return `status is longer than ${STATUS_MAX_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(status)) return 'status contains control characters';
  return undefined;
}

export const normaliseStatus = (status: string | null): string | null => {
  const trimmed = status?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};
