import type { EventsStatus } from './events-client';
import type { LiveCall, ParkSlot, Presence, PresenceState, RecentCall, ServerMessage } from './types';

/**
 * What the PBX looks like right now, from `/api/events`: the snapshot, then each event folded in. Pure.
 * Parts the controller does not send yet (no calls, parking or presence feature) stay empty.
 */
export interface LiveState {
  status: EventsStatus;
  calls: Readonly<Record<string, LiveCall>>;
  parkSlots: Readonly<Record<string, ParkSlot>>;
  presence: Readonly<Record<string, Presence>>;
  recentCalls: readonly RecentCall[];
  /** The latest `call.parked` per parker extension, with when it arrived here (client clock). */
  lastParkBy: Readonly<Record<string, { slot: string; receivedAt: number }>>;
}

export type LiveEvent =
  | { type: 'status'; status: EventsStatus }
  | { type: 'message'; message: ServerMessage; receivedAt: number }
  | { type: 'recent-calls'; calls: RecentCall[] }
  | { type: 'reset' };

export const initialLiveState: LiveState = {
  status: { kind: 'closed' },
  calls: {},
  parkSlots: {},
  presence: {},
  recentCalls: [],
  lastParkBy: {},
};

export function liveReducer(state: LiveState, event: LiveEvent): LiveState {
  switch (event.type) {
    case 'status':
      return { ...state, status: event.status };
    case 'recent-calls':
      return { ...state, recentCalls: event.calls };
    case 'reset':
      return initialLiveState;
    case 'message':
      return applyMessage(state, event.message, event.receivedAt);
  }
}

function applyMessage(state: LiveState, message: ServerMessage, receivedAt: number): LiveState {
  const data = asRecord(message.data);
  switch (message.type) {
    case 'snapshot':
      return {
        ...state,
        calls: indexBy(
          listOf(data.calls).map((c) => toCall(c)),
          (c) => c?.id,
        ),
        parkSlots: indexBy(listOf(data.parkSlots).map(toSlot), (s) => s?.slot),
        presence: indexBy(listOf(data.presence).map(toPresence), (p) => p?.extension),
      };
    case 'call.ringing':
    case 'call.answered':
    case 'call.handed-off':
    case 'call.transferred':
    case 'call.updated': {
      const answered = message.type === 'call.answered' || message.type === 'call.handed-off';
      const call = toCall(data.call ?? data, answered ? 'answered' : 'ringing');
      return call
        ? { ...state, calls: { ...state.calls, [call.id]: { ...state.calls[call.id], ...call } } }
        : state;
    }
    case 'call.ended': {
      const id = toCall(data.call ?? data)?.id ?? (typeof data.id === 'string' ? data.id : undefined);
      if (!id || !state.calls[id]) return state;
      const { [id]: _gone, ...calls } = state.calls;
      return { ...state, calls };
    }
    // park.timeout: the parker is rung back while the call stays on its slot; unparked/abandoned free it.
    case 'call.parked':
    case 'call.unparked':
    case 'park.timeout':
    case 'park.abandoned': {
      const slot = toSlot(data.parkSlot ?? data.slotState ?? data);
      if (!slot) return state;
      const held = message.type === 'call.parked' || message.type === 'park.timeout';
      const parked = held ? { ...slot, occupied: true } : emptySlot(slot.slot);
      const lastParkBy =
        message.type === 'call.parked' && slot.parkerExtension
          ? { ...state.lastParkBy, [slot.parkerExtension]: { slot: slot.slot, receivedAt } }
          : state.lastParkBy;
      return { ...state, parkSlots: { ...state.parkSlots, [slot.slot]: parked }, lastParkBy };
    }
    case 'presence.changed': {
      const presence = toPresence(data.presence ?? data);
      if (!presence) return state;
      const before = state.presence[presence.extension];
      const merged: Presence = {
        ...before,
        ...presence,
        displayName: presence.displayName || before?.displayName || '',
      };
      // A view without them has none now (the status cleared, Asterisk reachable again).
      if (presence.status === undefined) delete merged.status;
      if (!presence.stale) delete merged.stale;
      return { ...state, presence: { ...state.presence, [presence.extension]: merged } };
    }
    default:
      return state;
  }
}

type Loose = Record<string, unknown>;

const asRecord = (value: unknown): Loose => (value && typeof value === 'object' ? (value as Loose) : {});
const str = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

/** A snapshot part may come as a list, a record keyed by id, or null (its source failed). */
function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    const items = (value as Loose).items;
    return Array.isArray(items) ? items : Object.values(value);
  }
  return [];
}

function indexBy<T>(items: (T | null)[], key: (item: T) => string | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) {
    const k = item ? key(item) : undefined;
    if (item && k) out[k] = item;
  }
  return out;
}

function toCall(value: unknown, defaultState = 'unknown'): LiveCall | null {
  const v = asRecord(value);
  const id = str(v.id);
  if (!id) return null;
  return { ...(v as unknown as LiveCall), id, state: str(v.state) ?? defaultState };
}

export function emptySlot(slot: string): ParkSlot {
  return {
    slot,
    occupied: false,
    callerIdNumber: null,
    callerIdName: null,
    parkerExtension: null,
    parkedAt: null,
    timeoutAt: null,
  };
}

function toSlot(value: unknown): ParkSlot | null {
  const v = asRecord(value);
  const slot = str(v.slot) ?? str(v.number);
  if (!slot || !/^\d+$/.test(slot)) return null;
  return {
    slot,
    occupied: v.occupied === undefined ? true : Boolean(v.occupied),
    callerIdNumber: str(v.callerIdNumber),
    callerIdName: str(v.callerIdName),
    parkerExtension: str(v.parkerExtension),
    parkedAt: str(v.parkedAt),
    timeoutAt: str(v.timeoutAt),
  };
}

const presenceStates: readonly PresenceState[] = ['offline', 'available', 'ringing', 'on-call', 'dnd'];

function toPresence(value: unknown): Presence | null {
  const v = asRecord(value);
  const extension = str(v.extension);
  if (!extension) return null;
  const raw = str(v.state) ?? str(v.status) ?? 'offline';
  const state = (presenceStates as readonly string[]).includes(raw) ? (raw as PresenceState) : 'offline';
  const presence: Presence = { extension, displayName: str(v.displayName) ?? str(v.name) ?? '', state };
  const userId = str(v.userId);
  if (userId) presence.userId = userId;
  if (v.teamId !== undefined) presence.teamId = str(v.teamId);
  if (typeof v.status === 'string' && v.state !== undefined) presence.status = v.status;
  if (v.stale === true) presence.stale = true;
  return presence;
}
