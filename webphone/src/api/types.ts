/** The controller's shapes as the webphone reads them (SPEC "Core shapes"); extra fields are ignored. */

export interface User {
  id: string;
  username: string;
  displayName: string;
  extension: string;
  role: 'admin' | 'supervisor' | 'agent';
  teamId: string | null;
}

/** A party of a call: the controller sends `{number, name}`; a bare number is accepted too. */
export type PartyLike =
  string | { number?: string; name?: string; extension?: string; displayName?: string } | null;

/** The contact card a routed call carries (`call.ringing`): who the caller ID matched. */
export interface Contact {
  id?: string;
  name?: string;
  company?: string;
  assignedAgents?: { userId: string; extension: string; displayName: string }[];
  latestNotes?: { body: string; createdAt: string; author: string | null }[];
}

export interface LiveCall {
  id: string;
  state: string;
  /** internal, inbound (from a trunk) or outbound. */
  direction?: string;
  from: PartyLike;
  to: PartyLike;
  answeredBy: PartyLike;
  startedAt: string;
  answeredAt: string | null;
  channels?: unknown[];
  /** Extensions being rung for this call, when the controller says. */
  ringing?: string[];
  contact?: Contact | null;
}

export interface ParkSlot {
  slot: string;
  occupied: boolean;
  callerIdNumber: string | null;
  callerIdName: string | null;
  parkerExtension: string | null;
  parkedAt: string | null;
  timeoutAt: string | null;
}

export type PresenceState = 'offline' | 'available' | 'ringing' | 'on-call' | 'dnd';

export interface Presence {
  extension: string;
  displayName: string;
  state: PresenceState;
  userId?: string;
  teamId?: string | null;
  /** The user's own free text ("at lunch"). */
  status?: string | null;
  /** The controller cannot reach Asterisk: this is the last state known. */
  stale?: boolean;
  /** When the state began (ISO). */
  since?: string | null;
  /** When one of the user's devices last registered or unregistered (ISO): "last seen" of someone offline. */
  lastSeenAt?: string | null;
}

export interface RecentCall {
  id: string;
  direction: 'in' | 'out' | 'other';
  number: string;
  name: string;
  startedAt: string;
  answered: boolean;
  durationSeconds: number | null;
}

/** What `/api/events` sends. */
export interface ServerMessage {
  type: string;
  at: string;
  data: unknown;
}

export const partyNumber = (party: PartyLike): string =>
  typeof party === 'string' ? party : (party?.number ?? party?.extension ?? '');

export const partyName = (party: PartyLike): string =>
  typeof party === 'string' ? '' : (party?.name ?? party?.displayName ?? '');
