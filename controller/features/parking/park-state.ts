import { heardToTheEnd } from '../calls/playout.js';
import type { Announcer, ParkEvent, ParkState, RingLeg } from './parking.types.js';

/** The numbering plan: 700 parks on the lowest free slot, 701-799 are the slots. */
export const PARK_NUMBER = '700';
export const FIRST_SLOT = 701;
export const LAST_SLOT = 799;
export const ALL_SLOTS: readonly string[] = Array.from({ length: LAST_SLOT - FIRST_SLOT + 1 }, (_, i) =>
  String(FIRST_SLOT + i),
);

export const isSlot = (number: string) => /^7\d\d$/.test(number) && number !== PARK_NUMBER;
/** 700 or a slot: a number a call can be transferred to for parking. */
export const isParkNumber = (number: string) => /^7\d\d$/.test(number);

/** The slot's bridge name (what a restarted controller looks for) and its device (BLF hint `Stasis:park-7NN`). */
export const bridgeNameOf = (slot: string) => `park-${slot}`;
export const bridgeIdOf = (slot: string, parkId: string) => `park-${slot}-${parkId}`;
export const deviceOf = (slot: string) => `Stasis:park-${slot}`;
export function slotOfBridgeName(name: string): string | undefined {
  const slot = /^park-(7\d\d)$/.exec(name)?.[1];
  return slot && isSlot(slot) ? slot : undefined;
}

/** appArgs of a channel a park rings (recall, fallback, API retrieval): `park:<parkId>:leg`. */
export const ringLegAppArgs = (parkId: string) => `park:${parkId}:leg`;
export function parkIdFromArgs(args: string[]): string | undefined {
  return /^park:([\w-]+):leg$/.exec(args[0] ?? '')?.[1];
}

/** Playback ids carry the park id, so `PlaybackFinished` finds its park: `park-<parkId>-<what>`. */
export const playbackIdOf = (parkId: string, what: string) => `park-${parkId}-${what}`;
export function parkIdFromPlayback(playbackId: string): string | undefined {
  return /^park-([0-9a-f]+)-[\w-]+$/.exec(playbackId)?.[1];
}

/** The stock prompts that say a slot: `digits/7`, `digits/0`, `digits/1`. */
export const slotDigits = (slot: string) => [...slot].map((digit) => `sound:digits/${digit}`);

/**
 * What the announcer hears. Someone released when it ends (a transferer, a `#72` parker) hears a second of silence
 * after the digits (`heardToTheEnd`: a transferer released at PlaybackFinished lost the end of `digits/5`, "705").
 * A self-parked phone goes on hold instead, so nothing is cut.
 */
export function announcementOf(slot: string, mode: Announcer['mode']): string[] {
  return mode === 'self' ? slotDigits(slot) : heardToTheEnd(slotDigits(slot));
}

/** The safety timeout of an announcement: if its PlaybackFinished never comes, it is over after this long. */
export const ANNOUNCEMENT_LIMIT_SECONDS = 10;

export const liveRingLegs = (park: ParkState) => park.ring?.legs.filter((leg) => leg.status !== 'gone') ?? [];

/**
 * The next moment the park needs a tick: the announcement's safety timeout, the ring's deadline, else the park
 * timeout while parked — the earliest of them.
 */
export function nextDeadline(park: ParkState): string | null {
  if (park.stage === 'done') return null;
  const waiting = park.stage !== 'handing-over' && park.stage !== 'closing';
  const ring = waiting && park.ring ? park.ring.deadline : null;
  const timeout = waiting && !park.ring && !park.timedOut ? park.timeoutAt : null;
  const deadlines = [park.announcer?.deadline, ring, timeout].filter((d): d is string => !!d);
  return deadlines.reduce<string | null>(
    (earliest, d) => (!earliest || Date.parse(d) < Date.parse(earliest) ? d : earliest),
    null,
  );
}

const withChannel = (park: ParkState, channelId: string) =>
  park.channelIds.includes(channelId) ? park.channelIds : [...park.channelIds, channelId];

const patchLeg = (park: ParkState, legId: string, patch: Partial<RingLeg>): ParkState =>
  park.ring
    ? {
        ...park,
        ring: {
          ...park.ring,
          legs: park.ring.legs.map((leg) => (leg.id === legId ? { ...leg, ...patch } : leg)),
        },
      }
    : park;

/** Folds one event into the park. `park-started` creates it; every other event needs it. */
export function evolve(state: ParkState | undefined, event: ParkEvent): ParkState {
  if (event.kind === 'park-started') return event.park;
  if (!state) throw new Error(`park event ${event.kind} without a park`);
  switch (event.kind) {
    case 'parked':
      return {
        ...state,
        stage: state.stage === 'parking' ? 'parked' : state.stage,
        inBridge: true,
        parkedAt: state.parkedAt ?? event.at,
      };
    case 'left-bridge':
      return { ...state, inBridge: false };
    case 'announcer-done':
      return { ...state, announcer: null };
    case 'call-bridge-released':
      return { ...state, callBridgeId: null };
    case 'timed-out':
      return { ...state, timedOut: true, fallback: event.fallback };
    case 'ring-started':
      return {
        ...state,
        ring: event.ring,
        legSeq: event.legSeq,
        channelIds: event.ring.legs.reduce(
          (ids, leg) => (ids.includes(leg.id) ? ids : [...ids, leg.id]),
          state.channelIds,
        ),
      };
    case 'ring-leg':
      return patchLeg(state, event.legId, { status: event.status });
    case 'ring-leg-hangup-sent':
      return patchLeg(state, event.legId, { hangupSent: true });
    case 'ring-ended':
      return { ...state, ring: null };
    case 'handing-over':
      return { ...state, stage: 'handing-over', handover: event.handover };
    case 'handover-failed':
      return { ...state, stage: 'parked', handover: null };
    case 'caller-replaced':
      return {
        ...state,
        channelId: event.channelId,
        caller: event.caller,
        inBridge: false,
        announcer: null,
        channelIds: withChannel(state, event.channelId),
      };
    case 'closing':
      return { ...state, stage: 'closing' };
    case 'unparked':
      return { ...state, stage: 'done', endReason: 'retrieved', ring: null };
    case 'abandoned':
      return { ...state, stage: 'done', endReason: event.reason, ring: null };
    case 'rebridge':
      return { ...state, inBridge: false };
    default: {
      const never: never = event;
      throw new Error(`unknown park event ${JSON.stringify(never)}`);
    }
  }
}
