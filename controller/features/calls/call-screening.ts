import { findLeg, finished } from './call-state.js';
import { callOf, effect, emit, hangupLeg, type Step } from './call-step.js';
import type { Leg } from './call.types.js';

/**
 * Call screening of an outside ring target (a mobile through the trunk): its answer counts only once the person
 * pressed 1, so a mobile's voicemail can never take the call. Answered, the leg hears who is calling and the options
 * (Asterisk's FollowMe prompts: "incoming call from" + the number, "press 1 to accept, 2 to reject"); 1 wins the call
 * like any answer, 2 or silence for the entry's `screenSeconds` (SCREENING_SECONDS) hangs that leg up while the other targets ring on. The caller
 * hears ringback throughout.
 */
export const ACCEPT_DIGIT = '1';
export const REJECT_DIGIT = '2';

const digitsOf = (number: string) => [...number.replace(/[^0-9]/g, '')].map((d) => `sound:digits/${d}`);

/** An answered leg that must be screened first: play the question and wait for a digit (the ring timer keeps it). */
export function startScreening(step: Step, leg: Leg): void {
  const call = callOf(step);
  const playbackId = `${leg.id}-screen`;
  const until = new Date(step.now.getTime() + (leg.screenSeconds ?? 0) * 1000).toISOString();
  emit(step, { kind: 'screening-started', legId: leg.id, until });
  effect(step, {
    kind: 'play',
    playbackId,
    channelId: leg.id,
    media: ['sound:followme/call-from', ...digitsOf(call.caller.number), 'sound:followme/options'],
  });
}

/** True while a leg is answered but not yet accepted by its person. */
export const screening = (leg: Leg): boolean => leg.screenUntil !== undefined && !finished(leg);

/** A digit from a leg being screened: 1 accepts (the caller `accept`s it as an answer), 2 rejects, others wait. */
export function onScreeningDigit(step: Step, leg: Leg, digit: string, accept: (leg: Leg) => void): void {
  if (digit === ACCEPT_DIGIT) {
    emit(step, { kind: 'screening-accepted', legId: leg.id });
    effect(step, { kind: 'stop-playback', playbackId: `${leg.id}-screen` });
    return accept(findLeg(callOf(step), leg.id)!);
  }
  if (digit !== REJECT_DIGIT) return;
  emit(step, { kind: 'leg-failed', legId: leg.id, failure: 'other' });
  hangupLeg(step, findLeg(callOf(step), leg.id)!, 'normal');
}

/** At a deadline: screened legs whose time is up are hung up as not answered. */
export function expireScreening(step: Step): void {
  const now = step.now.getTime();
  for (const leg of callOf(step).legs) {
    if (!screening(leg) || Date.parse(leg.screenUntil!) > now) continue;
    emit(step, { kind: 'leg-failed', legId: leg.id, failure: 'no-answer' });
    hangupLeg(step, findLeg(callOf(step), leg.id)!, 'normal');
  }
}

/** The screening deadlines still ahead (for the call's one timer). */
export const screeningDeadlines = (legs: Leg[]): number[] =>
  legs.filter(screening).map((leg) => Date.parse(leg.screenUntil!));
