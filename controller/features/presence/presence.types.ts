/** What a user's presence is (SPEC): computed from Asterisk's registrations and channels and the user's DND. */
export type PresenceState = 'offline' | 'available' | 'ringing' | 'on-call' | 'dnd';

export const presenceStates: readonly PresenceState[] = ['offline', 'available', 'ringing', 'on-call', 'dnd'];

/** One SIP account of the user and whether Asterisk has a registration behind it (endpoint state `online`). */
export interface PresenceDevice {
  account: string;
  registered: boolean;
}

/**
 * A user's presence as the API and the WebSocket show it: the SPEC's shape `{userId, extension, state, since,
 * lastSeenAt, devices}` and more (`status`, `dnd`, `stale`, and who the user is, for panels and visibility).
 */
export interface PresenceView {
  userId: string;
  extension: string;
  displayName: string;
  teamId: string | null;
  state: PresenceState;
  /** When `state` last changed (ISO-8601). */
  since: string;
  /** When a registration of the user's was last seen coming or going (ISO-8601); null if never. */
  lastSeenAt: string | null;
  devices: PresenceDevice[];
  /** The user's DND flag (also while on a call or offline, when `state` says something else). */
  dnd: boolean;
  /** Free text the user set ("at lunch"), or null. */
  status: string | null;
  /** True while the controller cannot reach Asterisk: the view is the last one known. */
  stale: boolean;
}

/** How a channel counts for its user's presence, as Asterisk's own device state maps channel states. */
export type ChannelPhase = 'idle' | 'ringing' | 'busy';
