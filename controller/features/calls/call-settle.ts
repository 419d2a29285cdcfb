import { aLeg, answeredLeg, finished, liveLegs } from './call-state.js';
import { callOf, dispositionOf, effect, emit, endCall, hangupReasonFor, type Step, writeLog } from './call-step.js';

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
  const callees = call.legs.filter((leg) => leg.role === 'callee');
  if (!callees.every(finished)) return false;
  const disposition = dispositionOf(callees);
  endCall(step, disposition, hangupReasonFor(disposition));
  return true;
}

function settleTalking(step: Step): boolean {
  const call = callOf(step);
  const a = aLeg(call);
  const b = answeredLeg(call);
  if (!a || !b || finished(a) || finished(b)) {
    endCall(step, 'answered', 'normal');
    return true;
  }
  if (!call.answerAnnounced && a.inBridge && b.inBridge) {
    emit(step, { kind: 'connected', at: step.now.toISOString() });
    return true;
  }
  return false;
}

function settleEnding(step: Step): boolean {
  const call = callOf(step);
  if (liveLegs(call).length > 0) return false;
  emit(step, { kind: 'ended', at: step.now.toISOString() });
  if (call.bridgeId) effect(step, { kind: 'destroy-bridge', bridgeId: call.bridgeId });
  writeLog(step);
  return true;
}
