import { aLeg, answeredLeg, finished, liveLegs } from './call-state.js';
import type { Leg } from './call.types.js';
import { settleRing } from './call-ring.js';
import { holdForHandoff, settleHandoff } from './call-handoff.js';
import { endUnanswered } from './call-voicemail.js';
import {
  callOf,
  dispositionOf,
  effect,
  emit,
  endCall,
  type Step,
  writeLog,
} from './call-step.js';

/**
 * The consequences of where the call now stands, applied after every input until nothing changes: a call whose
 * legs all failed ends, a call whose party left ends, a call whose channels are all gone has ended.
 */
export function settle(step: Step): void {
  for (let round = 0; round < 8 && settleOnce(step); round++);
}

function settleOnce(step: Step): boolean {
  const call = callOf(step);
  switch (call.stage) {
    case 'setup':
      return settleSetup(step);
    case 'talking':
      return settleTalking(step);
    case 'ending':
      return settleEnding(step);
    case 'ended':
      return false;
    default: {
      const never: never = call.stage;
      throw new Error(`unknown call stage ${String(never)}`);
    }
  }
}

function settleSetup(step: Step): boolean {
  const call = callOf(step);
  if (call.mode === 'click' && call.aLegId === null) {
    const origins = call.legs.filter((leg) => leg.role === 'origin');
    if (!origins.every(finished)) return false;
    endCall(step, dispositionOf(origins), 'normal');
    return true;
  }
  const a = aLeg(call);
  if (!a || finished(a)) {
    endCall(step, 'cancelled', 'normal');
    return true;
  }
  if (call.announcement) return false;
  if (call.ring) return settleRing(step);
  const callees = call.legs.filter((leg) => leg.role === 'callee');
  if (!callees.every(finished)) return false;
  endUnanswered(step, dispositionOf(callees));
  return true;
}

function settleTalking(step: Step): boolean {
  if (settleHandoff(step)) return true;
  if (holdForHandoff(step)) return false;
  const call = callOf(step);
  const a = aLeg(call);
  const b = answeredLeg(call);
  if (!a || !b || finished(a) || finished(b)) {
    if (a && b) ringBackAfterRefusal(step, a, b);
    // The transferee left for another call (call-transfer.ts): the transferer's leg goes, the call was transferred.
    endCall(step, call.transfer?.direction === 'out' ? 'transferred' : 'answered', 'normal');
    return true;
  }
  if (!call.answerAnnounced && a.inBridge && b.inBridge) {
    emit(step, { kind: 'connected', at: step.now.toISOString() });
    return true;
  }
  return false;
}

/**
 * How soon after its refused transfer a transferer's own hang-up is taken for its phone's reaction to the failure
 * NOTIFY (baresip hangs up 4 ms after a 603) rather than the user's choice.
 */
export const REFUSAL_HANG_UP_SECONDS = 3;

/**
 * A party left a talking call. If it is a transferer whose phone hung up by itself right after its blind transfer was
 * refused, the other party is not lost: it leaves this call still in its bridge, and rings the transferer back.
 */
function ringBackAfterRefusal(step: Step, a: Leg, b: Leg): void {
  const [gone, survivor] = finished(a) ? [a, b] : [b, a];
  if (finished(survivor) || !survivor.inBridge || gone.hangupSent || !gone.transferRefusedAt) return;
  if (step.now.getTime() - Date.parse(gone.transferRefusedAt) > REFUSAL_HANG_UP_SECONDS * 1000) return;
  const call = callOf(step);
  const callee = call.answeredBy ?? { number: call.dialled, name: '', userId: null };
  const personOf = (leg: Leg) => (leg.id === call.aLegId ? call.caller : callee);
  const bridgeId = call.bridgeId;
  emit(step, { kind: 'legs-released', legIds: [survivor.id] });
  effect(step, {
    kind: 'ring-back',
    survivor: { channelId: survivor.id, endpoint: survivor.endpoint, person: personOf(survivor) },
    bridgeId,
    to: personOf(gone),
  });
}

function settleEnding(step: Step): boolean {
  const call = callOf(step);
  if (liveLegs(call).length > 0) return false;
  emit(step, { kind: 'ended', at: step.now.toISOString() });
  if (call.bridgeId) effect(step, { kind: 'destroy-bridge', bridgeId: call.bridgeId });
  writeLog(step);
  return true;
}
