import { aLeg, answeredLeg, findLeg, newLeg, finished } from './call-state.js';
import { callOf, clearTimer, effect, emit, hangupLeg, originateLeg, stopRingback, type Step } from './call-step.js';
import type { HandoffInput, Leg } from './call.types.js';

/**
 * Handoff (call handling): a talking call's party moves to another of their devices. The new device rings showing
 * the other party; once it answers it joins the call's bridge and the old device is hung up (a short pause at most);
 * if it does not answer in time, or is rejected, the call goes on on the old device. The other party hanging up
 * meanwhile ends the call as always (the ringing device stops too).
 */
export function onHandoff(step: Step, input: HandoffInput): void {
  const call = callOf(step);
  const old = findLeg(call, input.replaces);
  if (call.stage !== 'talking' || call.handoff || !old || finished(old)) return;
  if (old.id !== call.aLegId && old.id !== call.answeredLegId) return;
  const other = old.id === call.aLegId ? call.answeredBy : call.caller;
  const leg: Leg = { ...newLeg(`${call.id}-${call.legSeq + 1}`, 'handoff', input.endpoint), originated: true, person: input.person };
  emit(step, { kind: 'handoff-started', leg, replaces: old.id, legSeq: call.legSeq + 1 });
  const shown = other ?? { number: call.dialled, name: '' };
  originateLeg(step, leg, shown, input.ringSeconds);
  const at = new Date(step.now.getTime() + input.ringSeconds * 1000).toISOString();
  emit(step, { kind: 'timer-set', at });
  effect(step, { kind: 'start-timer', at });
}

/** The new device answered and is in Stasis: it joins the bridge, takes the old leg's place, the old one goes. */
export function handoffAnswered(step: Step, leg: Leg): void {
  const call = callOf(step);
  if (call.handoff?.legId !== leg.id || call.stage !== 'talking' || !call.bridgeId)
    return hangupLeg(step, leg, 'normal');
  const replaces = call.handoff.replaces;
  clearTimer(step);
  stopRingback(step);
  emit(step, { kind: 'handoff-completed', legId: leg.id, replaces });
  effect(step, { kind: 'add-to-bridge', bridgeId: call.bridgeId, channelIds: [leg.id] });
  const old = findLeg(callOf(step), replaces);
  if (old) hangupLeg(step, old, 'normal');
}

/** The handoff's time is up: the new device stops ringing, the call stays where it was. */
export function handoffTimedOut(step: Step): void {
  const call = callOf(step);
  clearTimer(step);
  const leg = call.handoff ? findLeg(call, call.handoff.legId) : undefined;
  if (leg) hangupLeg(step, leg, 'normal');
}

/** After every input while talking: a handoff leg that failed ends the handoff. True if it did. */
export function settleHandoff(step: Step): boolean {
  const call = callOf(step);
  const leg = call.handoff ? findLeg(call, call.handoff.legId) : undefined;
  if (!call.handoff || (leg && !finished(leg))) return false;
  clearTimer(step);
  emit(step, { kind: 'handoff-ended' });
  return true;
}

/**
 * The user hung the old device up while the new one rings: they moved the call, so the other party is not dropped but
 * hears ringback until the new device answers (then they talk) or the handoff fails (then the call ends). True while
 * the call waits so.
 */
export function holdForHandoff(step: Step): boolean {
  const call = callOf(step);
  const old = call.handoff ? findLeg(call, call.handoff.replaces) : undefined;
  const fresh = call.handoff ? findLeg(call, call.handoff.legId) : undefined;
  if (!old || !finished(old) || !fresh || finished(fresh)) return false;
  const other = old.id === call.aLegId ? answeredLeg(call) : aLeg(call);
  if (!other || finished(other)) return false;
  if (!call.ringbackId) {
    const playbackId = `${call.id}-ringback`;
    emit(step, { kind: 'ringback-started', playbackId });
    effect(step, { kind: 'play', playbackId, channelId: other.id, media: ['tone:ring'] });
  }
  return true;
}
