import { finished, newLeg } from './call-state.js';
import { expireScreening, screeningDeadlines } from './call-screening.js';
import { endUnanswered } from './call-voicemail.js';
import {
  callOf,
  clearTimer,
  dispositionOf,
  effect,
  emit,
  endCall,
  hangupLeg,
  originateLeg,
  type Step,
  writeLog,
} from './call-step.js';
import type { CallDisposition } from '../../db/tables/call-logs.js';
import type { Destination, Leg, RingPlan, RingState } from './call.types.js';
import { announce, entriesToClaim, noteRoutingStep } from './call-claims.js';

/**
 * Ring plans (personal call handling: strategies, per-target delays and timeouts, forwards on busy and no answer):
 * each entry starts and stops at an absolute time, one timer at the earliest deadline drives them. Pure, part of the
 * calls decider.
 */

const at = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

/** The plan a destination is rung by: its own, or every target at once for the dial timeout (today's default). */
export function planOf(destination: Extract<Destination, { kind: 'user' }>, dialTimeoutSeconds: number): RingPlan {
  if (destination.plan) return destination.plan;
  return {
    entries: destination.targets.map((t) => ({
      endpoint: t.endpoint,
      person: destination.user,
      ...(destination.outside ? { callerId: destination.outside.callerId } : {}),
      startSeconds: 0,
      stopSeconds: dialTimeoutSeconds,
    })),
    path: destination.user.number ? [destination.user.number] : [],
  };
}

function ringStateOf(plan: RingPlan, now: Date, pathBefore: string[]): RingState {
  const path = [...pathBefore];
  for (const ext of plan.path) if (path.at(-1) !== ext) path.push(ext);
  return {
    entries: plan.entries.map((e) => ({
      ...e,
      startAt: at(now, e.startSeconds),
      stopAt: at(now, e.stopSeconds),
      legId: null,
    })),
    path,
    ...(plan.onBusy ? { onBusy: plan.onBusy } : {}),
    ...(plan.onNoAnswer
      ? { noAnswer: { at: at(now, plan.onNoAnswer.afterSeconds), destination: plan.onNoAnswer.destination } }
      : {}),
  };
}

/** Rings a destination by its plan (the first one of the call, or a forward's, after the path so far). */
export function startRing(step: Step, destination: Destination, disposition: CallDisposition = 'no-answer'): void {
  const call = callOf(step);
  const before = call.ring?.path ?? [];
  switch (destination.kind) {
    case 'unknown':
      return endCall(step, 'unavailable', 'unavailable');
    case 'announcement':
      return announce(step, destination.media, disposition);
    case 'busy': {
      const path = [...before];
      for (const ext of destination.path) if (path.at(-1) !== ext) path.push(ext);
      const mailbox = destination.mailbox ? { mailbox: destination.mailbox } : {};
      emit(step, { kind: 'ring-planned', ring: { entries: [], path, ...mailbox } });
      return endUnanswered(step, 'busy');
    }
    case 'user': {
      const planned = ringStateOf(planOf(destination, call.dialTimeoutSeconds), step.now, before);
      const ring = destination.mailbox ? { ...planned, mailbox: destination.mailbox } : planned;
      emit(step, { kind: 'ring-planned', ring });
      if (before.length > 0) writeLog(step);
      return advanceRing(step);
    }
    default: {
      const never: never = destination;
      throw new Error(`unknown destination ${JSON.stringify(never)}`);
    }
  }
}

const ringOf = (step: Step): RingState => {
  const ring = callOf(step).ring;
  if (!ring) throw new Error('no ring plan');
  return ring;
};

const legOf = (step: Step, legId: string | null): Leg | undefined =>
  legId ? callOf(step).legs.find((l) => l.id === legId) : undefined;

/** What is due now: entries start or stop, the no-answer forward; then the timer for the next deadline. */
export function advanceRing(step: Step): void {
  const now = step.now.getTime();
  expireScreening(step);
  // What stops first (a sequential step's CANCEL leaves before the next step's INVITE), then what starts.
  for (const entry of ringOf(step).entries) {
    const leg = legOf(step, entry.legId);
    if (!leg || finished(leg) || leg.status === 'up' || Date.parse(entry.stopAt) > now) continue;
    emit(step, { kind: 'leg-failed', legId: leg.id, failure: 'no-answer' });
    hangupLeg(step, legOf(step, leg.id)!, 'normal');
  }
  const started = ringOf(step).entries.flatMap((entry, index) =>
    waiting(entry) && Date.parse(entry.startAt) <= now ? [index] : [],
  );
  if (started.length > 0) startEntries(step, started);
  const noAnswer = ringOf(step).noAnswer;
  if (noAnswer && Date.parse(noAnswer.at) <= now) return forward(step, noAnswer.destination, 'no-answer');
  armNext(step);
}

/** An entry not started yet, not being claimed, not skipped. */
const waiting = (entry: RingState['entries'][number]) => entry.legId === null && !entry.claiming && !entry.skipped;

/** Starts due entries: those whose agent must be claimed first are claimed (the answer starts them). */
function startEntries(step: Step, due: number[]): void {
  const claim = entriesToClaim(step, due);
  const indexes = due.filter((index) => !claim.includes(index));
  if (indexes.length > 0) startLegs(step, indexes);
}

/** Rings these entries now (their agents, if claimed, are this call's). */
export function startLegs(step: Step, indexes: number[]): void {
  const call = callOf(step);
  noteRoutingStep(step, indexes);
  const entries = ringOf(step).entries;
  const legs = indexes.map((index, i) => ({
    ...newLeg(`${call.id}-${call.legSeq + i + 1}`, 'callee', entries[index]!.endpoint),
    originated: true,
    person: entries[index]!.person,
    ...(entries[index]!.screenSeconds !== undefined ? { screenSeconds: entries[index]!.screenSeconds } : {}),
  }));
  emit(step, { kind: 'legs-added', legs, legSeq: call.legSeq + legs.length });
  emit(step, { kind: 'ring-entries-started', started: indexes.map((index, i) => ({ index, legId: legs[i]!.id })) });
  indexes.forEach((index, i) => {
    const stop = Date.parse(entries[index]!.stopAt);
    const shown = entries[index]!.callerId ?? call.caller;
    originateLeg(step, legs[i]!, shown, Math.max(1, Math.ceil((stop - step.now.getTime()) / 1000)));
  });
}

/** The timer at the earliest deadline still ahead: an entry to start or stop, the no-answer forward, a screening. */
export function armNext(step: Step): void {
  const ring = ringOf(step);
  const deadlines: number[] = [];
  for (const entry of ring.entries) {
    const leg = legOf(step, entry.legId);
    if (waiting(entry)) deadlines.push(Date.parse(entry.startAt));
    else if (leg && !finished(leg) && leg.status !== 'up') deadlines.push(Date.parse(entry.stopAt));
  }
  if (ring.noAnswer) deadlines.push(Date.parse(ring.noAnswer.at));
  deadlines.push(...screeningDeadlines(callOf(step).legs));
  if (deadlines.length === 0) return clearTimer(step);
  const next = new Date(Math.min(...deadlines)).toISOString();
  if (callOf(step).timerAt === next) return;
  emit(step, { kind: 'timer-set', at: next });
  effect(step, { kind: 'start-timer', at: next });
}

/** Moves on to another destination: what rings now stops, the path grows, the new plan starts. */
export function forward(step: Step, destination: Destination, disposition?: CallDisposition): void {
  clearTimer(step);
  for (const leg of callOf(step).legs) if (leg.role === 'callee' && leg.status !== 'up') hangupLeg(step, leg, 'normal');
  const routing = callOf(step).routing;
  if (routing && !routing.path.includes('fallback')) emit(step, { kind: 'routing-stepped', step: 'fallback' });
  startRing(step, destination, disposition);
}

/**
 * A call in ringing whose plan legs have all finished: later entries move up (a busy or unreachable device does not
 * make the caller wait), else the busy or no-answer forward, else the call fails like today. True if it acted.
 */
export function settleRing(step: Step): boolean {
  const ring = ringOf(step);
  const legs = ring.entries.flatMap((entry) => legOf(step, entry.legId) ?? []);
  if (legs.some((leg) => !finished(leg)) || ring.entries.some((e) => e.claiming)) return false;
  const pending = ring.entries.filter(waiting);
  if (pending.length > 0) {
    const shift = Math.min(...pending.map((e) => Date.parse(e.startAt))) - step.now.getTime();
    const move = (iso: string) => new Date(Date.parse(iso) - shift).toISOString();
    const entries = ring.entries.map((e) =>
      waiting(e) ? { ...e, startAt: move(e.startAt), stopAt: move(e.stopAt) } : e,
    );
    emit(step, { kind: 'ring-shifted', ring: { ...ring, entries } });
    advanceRing(step);
    return true;
  }
  const disposition = legs.length > 0 ? dispositionOf(legs) : 'unavailable';
  if (disposition === 'busy' && ring.onBusy) forward(step, ring.onBusy, disposition);
  else if (disposition !== 'busy' && ring.noAnswer) forward(step, ring.noAnswer.destination, disposition);
  else endUnanswered(step, disposition);
  return true;
}
