import { isTrunkEndpoint } from '../trunks/trunk-names.js';
import type { CallEvent, CallLogEntry, CallState, Leg, Person } from './call.types.js';

/** Channel variables every leg of a call gets: REFER handled by the controller (parking on transfer needs it). */
export const TRANSFER_HANDLING = { name: 'PJSIP_TRANSFER_HANDLING()', value: 'ari-only' } as const;

/** appArgs of a leg the controller created for a call: `call:<callId>:leg`. */
export const legAppArgs = (callId: string) => `call:${callId}:leg`;

/** The call id in a created leg's appArgs, if they are ours. */
export function callIdFromArgs(args: string[]): string | undefined {
  const match = /^call:([\w-]+):leg$/.exec(args[0] ?? '');
  return match?.[1];
}

export const bridgeIdOf = (callId: string) => `${callId}-bridge`;
export const bridgeNameOf = (callId: string) => `call-${callId}`;

/** The call id of a bridge named `call-<id>`, if it is one of ours. */
export function callIdFromBridgeName(name: string): string | undefined {
  return /^call-([\w-]+)$/.exec(name)?.[1];
}

export function newLeg(
  id: string,
  role: Leg['role'],
  endpoint: string,
  status: Leg['status'] = 'creating',
): Leg {
  return { id, role, endpoint, status, hangingUp: false, hangupSent: false, failure: null, inBridge: false };
}

export const findLeg = (state: CallState, id: string) => state.legs.find((leg) => leg.id === id);
export const aLeg = (state: CallState) => (state.aLegId ? findLeg(state, state.aLegId) : undefined);
export const answeredLeg = (state: CallState) =>
  state.answeredLegId ? findLeg(state, state.answeredLegId) : undefined;
export const liveLegs = (state: CallState) => state.legs.filter((leg) => leg.status !== 'gone');
/** A leg that will never answer: gone, failed or hanging up. */
export const finished = (leg: Leg) => leg.status === 'gone' || leg.hangingUp || leg.failure !== null;
/** Every channel id the call owns, live or not (for routing facts). */
export const channelIdsOf = (state: CallState) => state.legs.map((leg) => leg.id);

const patchLeg = (state: CallState, legId: string, patch: Partial<Leg>): CallState => ({
  ...state,
  legs: state.legs.map((leg) => (leg.id === legId ? { ...leg, ...patch } : leg)),
});

const patchEntries = (
  state: CallState,
  indexes: number[],
  patch: { claiming?: boolean; skipped?: boolean },
): CallState => {
  const chosen = new Set(indexes);
  return state.ring
    ? {
        ...state,
        ring: {
          ...state.ring,
          entries: state.ring.entries.map((e, i) => (chosen.has(i) ? { ...e, ...patch } : e)),
        },
      }
    : state;
};

/** Everyone a callee leg of the call rang (the dialled user for legs that name nobody), in order, once each. */
export function rungPeople(state: CallState): Person[] {
  const dialled = state.destination.kind === 'user' ? state.destination.user : undefined;
  const seen = new Map<string, Person>();
  for (const leg of state.legs) {
    if (leg.role !== 'callee') continue;
    const person = leg.person ?? dialled;
    const key = person?.userId ?? person?.number;
    if (person && key && !seen.has(key)) seen.set(key, person);
  }
  return [...seen.values()];
}

/** Folds one event into the call. `call-started` creates it; every other event needs it. */
export function evolve(state: CallState | undefined, event: CallEvent): CallState {
  if (event.kind === 'call-started') return event.call;
  if (!state) throw new Error(`call event ${event.kind} without a call`);
  switch (event.kind) {
    case 'legs-added':
      return { ...state, legs: [...state.legs, ...event.legs], legSeq: event.legSeq };
    case 'leg-entered':
      return patchLeg(state, event.legId, { status: 'entered' });
    case 'leg-in-stasis':
      return patchLeg(state, event.legId, { inStasis: true });
    case 'leg-ringing':
      return patchLeg(state, event.legId, { status: 'ringing' });
    case 'leg-up':
      return patchLeg(state, event.legId, { status: 'up' });
    case 'leg-hanging-up': {
      const leg = findLeg(state, event.legId);
      return patchLeg(state, event.legId, { hangingUp: true, failure: leg?.failure ?? event.failure });
    }
    case 'leg-failed':
      return patchLeg(state, event.legId, { failure: event.failure });
    case 'hangup-sent':
      return patchLeg(state, event.legId, { hangupSent: true, hangingUp: true });
    case 'leg-bridged':
      return patchLeg(state, event.legId, { inBridge: true });
    case 'leg-gone':
      return patchLeg(state, event.legId, { status: 'gone', inBridge: false });
    case 'ringing':
      return { ...state, ringingAnnounced: true };
    case 'origin-answered':
      return { ...state, aLegId: event.legId };
    case 'callee-answered':
      return {
        ...state,
        stage: 'talking',
        answeredLegId: event.legId,
        answeredBy: event.by,
        answeredAt: event.at,
        bridgeId: event.bridgeId,
      };
    case 'connected':
      return { ...state, answerAnnounced: true };
    case 'ringback-started':
      return { ...state, ringbackId: event.playbackId };
    case 'ringback-stopped':
      return { ...state, ringbackId: null };
    case 'timer-set':
      return { ...state, timerAt: event.at };
    case 'timer-cleared':
      return { ...state, timerAt: null };
    case 'ending':
      return { ...state, stage: 'ending', disposition: state.disposition ?? event.disposition };
    case 'ended':
      return { ...state, stage: 'ended', endedAt: event.at, timerAt: null };
    case 'dtmf':
      return patchLeg(state, event.legId, { dtmf: event.digits, dtmfAt: event.at });
    case 'transfer-refused':
      return patchLeg(state, event.legId, { transferRefusedAt: event.at });
    case 'screening-started':
      return patchLeg(state, event.legId, { screenUntil: event.until });
    case 'screening-accepted': {
      const leg = findLeg(state, event.legId);
      if (!leg) return state;
      const { screenUntil: _done, screenSeconds: _screened, ...accepted } = leg;
      return { ...state, legs: state.legs.map((l) => (l.id === leg.id ? accepted : l)) };
    }
    case 'ring-planned':
    case 'ring-shifted':
      return { ...state, ring: event.ring };
    case 'ring-entries-started': {
      if (!state.ring) return state;
      const legOf = new Map(event.started.map((s) => [s.index, s.legId]));
      const entries = state.ring.entries.map((e, i) => {
        const legId = legOf.get(i);
        return legId === undefined ? e : { ...e, legId, claiming: false };
      });
      return { ...state, ring: { ...state.ring, entries } };
    }
    case 'picked-up':
      return { ...state, legs: [...state.legs, event.leg] };
    case 'handoff-started':
      return {
        ...state,
        legs: [...state.legs, event.leg],
        legSeq: event.legSeq,
        handoff: { legId: event.leg.id, replaces: event.replaces },
      };
    case 'handoff-completed': {
      const old = findLeg(state, event.replaces);
      const swapped = patchLeg(state, event.legId, { role: old?.role ?? 'callee' });
      const { handoff: _done, ...rest } = swapped;
      return {
        ...rest,
        aLegId: state.aLegId === event.replaces ? event.legId : state.aLegId,
        answeredLegId: state.answeredLegId === event.replaces ? event.legId : state.answeredLegId,
      };
    }
    case 'ring-entries-claiming':
      return patchEntries(state, event.indexes, { claiming: true });
    case 'ring-entries-skipped':
      return patchEntries(state, event.indexes, { claiming: false, skipped: true });
    case 'agents-held':
      return { ...state, claimed: [...new Set([...(state.claimed ?? []), ...event.userIds])] };
    case 'agents-released':
      return { ...state, claimed: (state.claimed ?? []).filter((id) => !event.userIds.includes(id)) };
    case 'routing-stepped':
      return state.routing ? { ...state, routing: { ...state.routing, path: [...state.routing.path, event.step] } } : state;
    case 'announcing':
      return { ...state, announcement: { playbackId: event.playbackId, disposition: event.disposition } };
    case 'handoff-ended': {
      const { handoff: _done, ...rest } = state;
      return rest;
    }
    case 'transferred-out':
      return {
        ...patchLeg(state, event.legId, { status: 'gone', inBridge: false }),
        transfer: event.transfer,
        bridgeId: event.keepsBridge ? state.bridgeId : null,
      };
    case 'party-replaced': {
      const caller = state.aLegId === event.replaces;
      const answerer = state.answeredLegId === event.replaces;
      return {
        ...state,
        legs: [...state.legs, event.leg],
        aLegId: caller ? event.leg.id : state.aLegId,
        answeredLegId: answerer ? event.leg.id : state.answeredLegId,
        ...(caller ? { caller: event.person, fromOutside: isTrunkEndpoint(event.leg.endpoint) } : {}),
        ...(answerer ? { answeredBy: event.person } : {}),
        transfer: event.transfer,
        bridgeId: event.bridgeId,
      };
    }
    case 'legs-released':
      return {
        ...state,
        bridgeId: null,
        legs: state.legs.map((leg) =>
          event.legIds.includes(leg.id) ? { ...leg, status: 'gone', inBridge: false } : leg,
        ),
      };
    default: {
      const never: never = event;
      throw new Error(`unknown call event ${JSON.stringify(never)}`);
    }
  }
}

/** The call log row as the call stands. */
export function logEntryOf(state: CallState): CallLogEntry {
  const outside = state.destination.kind === 'user' ? state.destination.outside : undefined;
  const routing = state.routing;
  return {
    callId: state.id,
    direction: routing || state.fromOutside ? 'inbound' : outside ? 'outbound' : 'internal',
    fromNumber: state.caller.number,
    fromName: state.caller.name,
    toNumber: outside ? outside.number : state.dialled,
    callerUserId: state.caller.userId,
    answeredByUserId: state.answeredBy?.userId ?? null,
    answeredByExtension: state.answeredBy?.number ?? null,
    startedAt: state.startedAt,
    answeredAt: state.answeredAt,
    endedAt: state.endedAt,
    disposition: state.disposition,
    forwardPath: !routing && state.ring && state.ring.path.length > 1 ? state.ring.path : [],
    rungUserIds: rungPeople(state).flatMap((p) => p.userId ?? []),
    transfer: state.transfer
      ? { by: state.transfer.by.number, to: state.transfer.to, kind: state.transfer.kind, callId: state.transfer.callId }
      : null,
    ...(routing
      ? {
          trunkId: routing.trunkId,
          did: routing.did,
          contactId: routing.contact?.id ?? null,
          routingPath: routing.path,
        }
      : {}),
  };
}
