import type { ChannelState, DialStatus, HangupCause, PbxFact } from '../../ari/pbx.facts.js';
import { aLeg, finished, findLeg } from './call-state.js';
import { originAnswered, startClickToCall, startPhoneCall, startRingBack, startTransferCall } from './call-start.js';
import { onTakeOver, onTransfer } from './call-transfer.js';
import { settle } from './call-settle.js';
import { onDtmf, onRelease, startAdopted } from './call-handover.js';
import { onEffectFailed, onReconcile } from './call-recovery.js';
import {
  callOf,
  clearTimer,
  effect,
  emit,
  endCall,
  failureOfCause,
  hangupLeg,
  type Step,
} from './call-step.js';
import type { CallInput, CallState, Decision, Leg } from './call.types.js';
import { calleeAnswered, onPickup } from './call-answer.js';
import { advanceRing, armNext } from './call-ring.js';
import { handoffAnswered, handoffTimedOut, onHandoff } from './call-handoff.js';
import { onScreeningDigit, screening, startScreening } from './call-screening.js';
import { announcementOver, onAgentsClaimed, settleClaims } from './call-claims.js';
import { endUnanswered } from './call-voicemail.js';

/**
 * Extension-to-extension calling and click to call, as a pure function: what happened (events) and what to do
 * (effects) for one input, given the call as it stands. `evolve` (call-state.ts) folds the events.
 */
export function decide(input: CallInput, state: CallState | undefined, now: Date): Decision {
  const step: Step = { state, events: [], effects: [], now };
  react(step, input);
  if (step.state && step.state.stage !== 'ended') settle(step);
  settleClaims(step);
  return { events: step.events, effects: step.effects };
}

function react(step: Step, input: CallInput): void {
  switch (input.kind) {
    case 'phone-call':
      return step.state ? undefined : startPhoneCall(step, input);
    case 'click-to-call':
      return step.state ? undefined : startClickToCall(step, input);
    case 'fact':
      return step.state ? onFact(step, input.fact) : onOrphanFact(step, input.fact);
    case 'hangup-call':
      return step.state ? onHangupCommand(step) : undefined;
    case 'dial-timeout':
      if (step.state?.stage === 'setup') return onDialTimeout(step);
      return step.state?.handoff ? handoffTimedOut(step) : undefined;
    case 'effect-failed':
      return step.state ? onEffectFailed(step, input.effect, input.reason) : undefined;
    case 'reconcile':
      return step.state ? onReconcile(step, new Set(input.channelIds)) : undefined;
    case 'release':
      return step.state ? onRelease(step, input.channelIds) : undefined;
    case 'adopt':
      return step.state ? undefined : startAdopted(step, input);
    case 'transfer-refused':
      return step.state ? onTransferRefused(step, input.channelId) : undefined;
    case 'ring-back':
      return step.state ? undefined : startRingBack(step, input);
    case 'transfer':
      return step.state ? onTransfer(step, input) : undefined;
    case 'transfer-call':
      return step.state ? undefined : startTransferCall(step, input);
    case 'take-over':
      return step.state ? onTakeOver(step, input) : undefined;
    case 'pickup':
      return step.state ? onPickup(step, input) : undefined;
    case 'handoff':
      return step.state ? onHandoff(step, input) : undefined;
    case 'agents-claimed':
      return step.state ? onAgentsClaimed(step, input) : undefined;
    default: {
      const never: never = input;
      throw new Error(`unknown call input ${JSON.stringify(never)}`);
    }
  }
}

/** A leg of a call that no longer exists (e.g. its StasisStart came after the call ended): hang it up. */
function onOrphanFact(step: Step, fact: PbxFact): void {
  if (fact.kind === 'channel-entered')
    effect(step, { kind: 'hangup', channelId: fact.channel.id, reason: 'normal' });
}

function onFact(step: Step, fact: PbxFact): void {
  switch (fact.kind) {
    case 'channel-entered':
      return onEntered(step, fact.channel.id);
    case 'channel-state-changed':
      return onChannelState(step, fact.channel.id, fact.channel.state);
    case 'dial-progress':
      return onDialStatus(step, fact.peer.id, fact.status);
    case 'channel-hangup-requested':
      return onHangupRequested(step, fact.channel.id, fact.cause);
    case 'channel-left':
      return onGone(step, fact.channel.id);
    case 'channel-entered-bridge':
      return onEnteredBridge(step, fact.channel.id, fact.bridge.id);
    case 'dtmf-received': {
      const leg = findLeg(callOf(step), fact.channel.id);
      if (leg && screening(leg)) return onScreeningDigit(step, leg, fact.digit, (l) => answeredCallee(step, l));
      return onDtmf(step, fact.channel.id, fact.digit);
    }
    case 'playback-finished':
      return announcementOver(step, fact.playbackId);
    case 'channel-left-bridge':
    case 'bridge-destroyed':
    case 'playback-started':
    case 'transfer-requested':
    case 'endpoint-state-changed':
    case 'device-state-changed':
    case 'recording-started':
    case 'recording-finished':
    case 'recording-failed':
      return;
    default: {
      const never: never = fact;
      throw new Error(`unknown fact ${JSON.stringify(never)}`);
    }
  }
}

/** A created leg is now in Stasis: dial it (never earlier, ARI-NOTES), or hang it up if the call moved on. */
function onEntered(step: Step, channelId: string): void {
  const call = callOf(step);
  const leg = findLeg(call, channelId);
  if (!leg) return effect(step, { kind: 'hangup', channelId, reason: 'normal' });
  if (leg.originated) return onOriginatedEntered(step, leg);
  if (leg.status !== 'creating') return;
  emit(step, { kind: 'leg-entered', legId: leg.id });
  const current = findLeg(callOf(step), leg.id)!;
  if (call.stage !== 'setup' || current.hangupSent) return hangupLeg(step, current, 'normal');
  const remaining = call.timerAt
    ? Math.ceil((Date.parse(call.timerAt) - step.now.getTime()) / 1000)
    : call.dialTimeoutSeconds;
  effect(step, {
    kind: 'dial',
    request: {
      channelId: leg.id,
      // The callee sees the A side's caller ID (a click-to-call origin leg carries the clicking user's).
      callerChannelId: leg.role === 'callee' && call.aLegId ? call.aLegId : undefined,
      // Asterisk's own timeout only backs ours up (e.g. while the controller restarts).
      timeoutSeconds: Math.max(1, remaining) + 2,
    },
  });
}

/** An originated leg enters Stasis once answered: now it can be bridged, if it is still wanted. */
function onOriginatedEntered(step: Step, leg: Leg): void {
  if (leg.inStasis || leg.status === 'gone') return;
  emit(step, { kind: 'leg-in-stasis', legId: leg.id });
  const call = callOf(step);
  const fresh = findLeg(call, leg.id)!;
  if (fresh.status !== 'up') return; // not answered yet (Asterisk sends Up before StasisStart): Up decides then
  if (fresh.role === 'handoff') return handoffAnswered(step, fresh);
  answeredCallee(step, fresh);
}

/** A callee leg answered (and is in Stasis): the first wins the call; any other is hung up. */
function answeredCallee(step: Step, leg: Leg): void {
  const call = callOf(step);
  const wanted = call.stage === 'setup' && !finished(leg) && call.aLegId !== null;
  if (wanted && leg.screenSeconds !== undefined) {
    if (leg.screenUntil) return;
    startScreening(step, leg);
    return armNext(step);
  }
  if (wanted) return calleeAnswered(step, leg);
  if (call.answeredLegId !== leg.id) hangupLeg(step, leg, 'normal');
}

function onChannelState(step: Step, channelId: string, state: ChannelState): void {
  if (state === 'Ringing') onRinging(step, channelId);
  else if (state === 'Up') onUp(step, channelId);
}

function onDialStatus(step: Step, channelId: string, status: DialStatus): void {
  // A carrier that answers the INVITE with 183 (early media) and no 180: the caller hears ringing all the same (its
  // phone's own ringback; the carrier's in-band tones and announcements do not reach it: the leg is not bridged yet).
  if (status === 'RINGING' || status === 'PROGRESS') return onRinging(step, channelId);
  if (status === 'ANSWER') return onUp(step, channelId);
  const leg = findLeg(callOf(step), channelId);
  if (!leg || leg.status === 'up' || leg.failure) return;
  if (status === 'BUSY') emit(step, { kind: 'leg-failed', legId: leg.id, failure: 'busy' });
  else if (status === 'NOANSWER') emit(step, { kind: 'leg-failed', legId: leg.id, failure: 'no-answer' });
  else if (status === 'CHANUNAVAIL' || status === 'CONGESTION') {
    emit(step, { kind: 'leg-failed', legId: leg.id, failure: 'unavailable' });
  }
}

function onRinging(step: Step, channelId: string): void {
  const leg = findLeg(callOf(step), channelId);
  if (!leg || (leg.status !== 'creating' && leg.status !== 'entered')) return;
  emit(step, { kind: 'leg-ringing', legId: leg.id });
  const call = callOf(step);
  if (leg.role !== 'callee' || call.stage !== 'setup' || call.ringingAnnounced) return;
  emit(step, { kind: 'ringing', at: step.now.toISOString() });
  const a = aLeg(call);
  if (call.mode === 'phone' && a && a.status !== 'up') effect(step, { kind: 'ring', channelId: a.id });
}

function onUp(step: Step, channelId: string): void {
  const leg = findLeg(callOf(step), channelId);
  if (!leg || leg.status === 'up' || leg.status === 'gone') return;
  emit(step, { kind: 'leg-up', legId: leg.id });
  const call = callOf(step);
  const fresh = findLeg(call, leg.id)!;
  const wanted = call.stage === 'setup' && !finished(fresh);
  if (leg.role === 'origin') {
    if (wanted && call.aLegId === null) return originAnswered(step, fresh);
    if (call.aLegId !== leg.id) hangupLeg(step, fresh, 'normal');
  } else if (leg.role === 'callee' || leg.role === 'handoff') {
    // An originated leg answered is bridged once its StasisStart comes (it cannot join a bridge before).
    if (fresh.originated && !fresh.inStasis) return;
    if (leg.role === 'handoff') return handoffAnswered(step, fresh);
    answeredCallee(step, fresh);
  }
}

/** A blind transfer of this leg was refused: if its phone now hangs up by itself, the other party rings it back. */
function onTransferRefused(step: Step, channelId: string): void {
  const call = callOf(step);
  const leg = findLeg(call, channelId);
  if (!leg || leg.status === 'gone' || call.stage !== 'talking') return;
  emit(step, { kind: 'transfer-refused', legId: leg.id, at: step.now.toISOString() });
}

function onHangupRequested(step: Step, channelId: string, cause: HangupCause): void {
  const leg = findLeg(callOf(step), channelId);
  if (!leg || leg.status === 'gone' || leg.hangingUp) return;
  const failure = leg.role !== 'caller' && leg.status !== 'up' ? failureOfCause(cause.cause) : null;
  emit(step, { kind: 'leg-hanging-up', legId: leg.id, failure });
}

function onGone(step: Step, channelId: string): void {
  const leg = findLeg(callOf(step), channelId);
  if (leg && leg.status !== 'gone') emit(step, { kind: 'leg-gone', legId: leg.id });
}

function onEnteredBridge(step: Step, channelId: string, bridgeId: string): void {
  const call = callOf(step);
  const leg = findLeg(call, channelId);
  if (leg && bridgeId === call.bridgeId && !leg.inBridge) emit(step, { kind: 'leg-bridged', legId: leg.id });
}

function onHangupCommand(step: Step): void {
  const call = callOf(step);
  if (call.stage === 'setup') endCall(step, 'cancelled', 'normal');
  else if (call.stage === 'talking') endCall(step, 'answered', 'normal');
}

/** The dial timer: the call's end (no answer), or the next deadline of its ring plan. */
function onDialTimeout(step: Step): void {
  clearTimer(step);
  if (callOf(step).announcement) return announcementOver(step);
  if (callOf(step).ring) return advanceRing(step);
  endUnanswered(step, 'no-answer');
}
