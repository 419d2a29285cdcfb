import type { HangupReason } from '../../ari/pbx.port.js';
import type { CallDisposition } from '../../db/tables/call-logs.js';
import { evolve, legAppArgs, liveLegs, logEntryOf, TRANSFER_HANDLING } from './call-state.js';
import type { CallEffect, CallEvent, CallState, Leg, LegFailure } from './call.types.js';

/**
 * One decision being built: events are folded into `state` as they are emitted, so later choices of the same
 * decision see them. Local to one pure `decide` call.
 */
export interface Step {
  state: CallState | undefined;
  events: CallEvent[];
  effects: CallEffect[];
  now: Date;
}

export function emit(step: Step, event: CallEvent): void {
  step.events.push(event);
  step.state = evolve(step.state, event);
}

export function effect(step: Step, ...effects: CallEffect[]): void {
  step.effects.push(...effects);
}

export function callOf(step: Step): CallState {
  if (!step.state) throw new Error('no call in this step');
  return step.state;
}

export const writeLog = (step: Step) => effect(step, { kind: 'write-call-log', log: logEntryOf(callOf(step)) });

/**
 * Rings a new leg of the call: one originate showing `shown`, transfers handled by the controller, and Asterisk's
 * own timeout only backing ours up (a controller restart) by 2 s.
 */
export function originateLeg(step: Step, leg: Leg, shown: { name: string; number: string }, ringSeconds: number): void {
  effect(step, {
    kind: 'originate',
    request: {
      channelId: leg.id,
      endpoint: leg.endpoint,
      appArgs: legAppArgs(callOf(step).id),
      callerId: { name: shown.name, number: shown.number },
      variables: { [TRANSFER_HANDLING.name]: TRANSFER_HANDLING.value },
      timeoutSeconds: ringSeconds + 2,
    },
  });
}

/** Asks Asterisk to hang a leg up, once; a leg already on its way out is left alone. */
export function hangupLeg(step: Step, leg: Leg, reason: HangupReason): void {
  if (leg.status === 'gone' || leg.hangingUp || leg.hangupSent) return;
  emit(step, { kind: 'hangup-sent', legId: leg.id });
  effect(step, { kind: 'hangup', channelId: leg.id, reason });
}

export function startTimer(step: Step): void {
  const at = new Date(step.now.getTime() + callOf(step).dialTimeoutSeconds * 1000).toISOString();
  emit(step, { kind: 'timer-set', at });
  effect(step, { kind: 'start-timer', at });
}

export function clearTimer(step: Step): void {
  if (!callOf(step).timerAt) return;
  emit(step, { kind: 'timer-cleared' });
  effect(step, { kind: 'cancel-timer' });
}

export function stopRingback(step: Step): void {
  const playbackId = callOf(step).ringbackId;
  if (!playbackId) return;
  emit(step, { kind: 'ringback-stopped' });
  effect(step, { kind: 'stop-playback', playbackId });
}

/** The call is over: stop timers and ringback, hang up every live leg (the A side with `aReason`). */
export function endCall(step: Step, disposition: CallDisposition, aReason: HangupReason): void {
  emit(step, { kind: 'ending', disposition });
  clearTimer(step);
  stopRingback(step);
  const call = callOf(step);
  for (const leg of liveLegs(call)) hangupLeg(step, leg, leg.id === call.aLegId ? aReason : 'normal');
}

/** What a set of legs that all failed means for the call: busy wins, then no answer, else unavailable. */
export function dispositionOf(legs: Leg[]): CallDisposition {
  const failures = new Set<LegFailure | null>(legs.map((leg) => leg.failure));
  if (failures.has('busy')) return 'busy';
  if (failures.has('no-answer')) return 'no-answer';
  return 'unavailable';
}

/** What the caller's phone is told for a disposition: 486, 480/408, 480, 404. */
export function hangupReasonFor(disposition: CallDisposition): HangupReason {
  switch (disposition) {
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no-answer';
    case 'unavailable':
      return 'unavailable';
    case 'unknown-number':
      return 'unallocated';
    case 'failed':
      return 'congestion';
    case 'answered':
    case 'cancelled':
    case 'voicemail':
    case 'transferred':
      return 'normal';
    default: {
      const never: never = disposition;
      throw new Error(`unknown disposition ${String(never)}`);
    }
  }
}

/** A hang-up cause (Q.850) of a leg that had not answered, as a failure. */
export function failureOfCause(cause: number | undefined): LegFailure {
  switch (cause) {
    case 17:
    case 21:
      return 'busy';
    case 18:
    case 19:
      return 'no-answer';
    case 1:
    case 3:
    case 20:
    case 27:
    case 34:
    case 38:
      return 'unavailable';
    default:
      return 'other';
  }
}
