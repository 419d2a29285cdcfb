import type { ChannelState, DialStatus } from '../../ari/pbx.facts.js';
import type { Person, Target } from '../calls/call.types.js';
import { TRANSFER_HANDLING } from '../calls/call-state.js';
import { liveRingLegs, ringLegAppArgs } from './park-state.js';
import { at, closePark, effect, emit, hangupRingLeg, parkOf, stopRinging, type Step } from './park-step.js';
import type { FallbackTarget, RingLeg, RingPurpose } from './parking.types.js';

/**
 * Ringing someone for a parked call: the recall to the parker when the park times out, then the fallback, or the
 * extension an API retrieval names. Every device rings at once; the first to answer gets the call (handed over to
 * the calls feature as a new call), the others stop.
 */
export function startRing(step: Step, purpose: RingPurpose, to: Person, targets: Target[]): boolean {
  const park = parkOf(step);
  if (targets.length === 0) return false;
  const legs: RingLeg[] = targets.map((target, i) => ({
    id: `${park.id}-r${park.legSeq + i + 1}`,
    endpoint: target.endpoint,
    status: 'creating',
    hangupSent: false,
  }));
  const ring = { purpose, to, legs, deadline: at(step, park.ringSeconds) };
  emit(step, { kind: 'ring-started', ring, legSeq: park.legSeq + legs.length });
  // The rung phone knows it is a returning park: `Park 701: <caller>`.
  const callerId = {
    name: `Park ${park.slot}: ${park.caller.name || park.caller.number}`,
    number: park.caller.number,
  };
  for (const leg of legs) {
    effect(step, {
      kind: 'create-channel',
      request: {
        channelId: leg.id,
        endpoint: leg.endpoint,
        appArgs: ringLegAppArgs(park.id),
        callerId,
        variables: { [TRANSFER_HANDLING.name]: TRANSFER_HANDLING.value },
      },
    });
  }
  return true;
}

/** The park timed out: ring the parker (a ring for an API retrieval stops), else go straight to the fallback. */
export function timeOut(step: Step, parkerTargets: Target[], fallback: FallbackTarget | null): void {
  const park = parkOf(step);
  const distinct = fallback && fallback.person.number !== park.parker?.number ? fallback : null;
  emit(step, { kind: 'timed-out', at: at(step), fallback: distinct });
  stopRinging(step);
  if (!park.parker || !startRing(step, 'recall', park.parker, parkerTargets)) toFallback(step);
}

function toFallback(step: Step): void {
  const fallback = parkOf(step).fallback;
  if (!fallback || !startRing(step, 'fallback', fallback.person, fallback.targets)) closePark(step);
}

/** Nobody answered (deadline, or every device refused): next step of the recall; an API retrieval just stops. */
export function ringFailed(step: Step): void {
  const ring = parkOf(step).ring;
  if (!ring) return;
  stopRinging(step);
  if (ring.purpose === 'recall') toFallback(step);
  else if (ring.purpose === 'fallback') closePark(step);
}

const findRingLeg = (step: Step, channelId: string) =>
  parkOf(step).ring?.legs.find((leg) => leg.id === channelId);

/** A rung leg is in Stasis: dial it now (never earlier), or hang it up if the ring is over. */
export function ringLegEntered(step: Step, channelId: string): void {
  const leg = findRingLeg(step, channelId);
  const park = parkOf(step);
  if (!leg || leg.hangupSent || park.stage !== 'parked') {
    return effect(step, { kind: 'hangup', channelId, reason: 'normal' });
  }
  if (leg.status !== 'creating') return;
  emit(step, { kind: 'ring-leg', legId: leg.id, status: 'entered' });
  const remaining = Math.ceil((Date.parse(park.ring!.deadline) - step.now.getTime()) / 1000);
  effect(step, { kind: 'dial', request: { channelId, timeoutSeconds: Math.max(1, remaining) + 2 } });
}

export function ringLegProgress(step: Step, channelId: string, status: DialStatus | ChannelState): void {
  if (status === 'ANSWER' || status === 'Up') return ringLegAnswered(step, channelId);
  if (status === 'BUSY' || status === 'NOANSWER' || status === 'CHANUNAVAIL' || status === 'CONGESTION') {
    const leg = findRingLeg(step, channelId);
    if (leg) hangupRingLeg(step, leg);
  }
}

/** First answer wins: the other devices stop and the parked call goes to the one that answered. */
function ringLegAnswered(step: Step, channelId: string): void {
  const park = parkOf(step);
  const leg = findRingLeg(step, channelId);
  if (!leg || leg.status === 'up' || leg.status === 'gone') return;
  emit(step, { kind: 'ring-leg', legId: leg.id, status: 'up' });
  const ring = park.ring!;
  if (park.stage !== 'parked' || leg.hangupSent) return hangupRingLeg(step, leg);
  for (const other of liveRingLegs(parkOf(step))) if (other.id !== leg.id) hangupRingLeg(step, other);
  emit(step, { kind: 'ring-ended' });
  const via = ring.purpose === 'retrieve' ? 'api' : ring.purpose;
  emit(step, { kind: 'handing-over', handover: { to: ring.to, channelId: leg.id, via } });
  effect(step, {
    kind: 'hand-over',
    slot: park.slot,
    parked: { channelId: park.channelId, person: park.caller },
    to: { channelId: leg.id, endpoint: leg.endpoint, person: ring.to, up: true },
  });
}

/** A rung leg hung up, was refused or could not be created; when none is left the ring has failed. */
export function ringLegGone(step: Step, channelId: string): void {
  const leg = findRingLeg(step, channelId);
  if (!leg || leg.status === 'gone') return;
  emit(step, { kind: 'ring-leg', legId: leg.id, status: 'gone' });
  const park = parkOf(step);
  if (park.ring && park.stage === 'parked' && liveRingLegs(park).length === 0) ringFailed(step);
}
