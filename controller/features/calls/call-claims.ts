import type { CallDisposition } from '../../db/tables/call-logs.js';
import { aLeg, finished } from './call-state.js';
import { callOf, effect, emit, endCall, type Step } from './call-step.js';
import type { CallInput } from './call.types.js';
import { armNext, startLegs } from './call-ring.js';

/**
 * Routed calls in the calls decider (contact centre, `../routing/`): an agent rings for at most one routed call. An
 * entry that names an agent to claim is not rung when it is due: the decider asks the shell to claim the agent (a
 * `claim-agents` effect: Redis, atomic across instances) and rings only those the answer grants; the others are
 * skipped. The call lets go of each agent as soon as nothing of the call rings them any more (their legs ended, or
 * another agent answered), and of every agent when it ends. Pure.
 */

const entriesOf = (step: Step) => callOf(step).ring?.entries ?? [];

/** Of these due entries, those whose agent must be claimed first; their claim is asked for now. */
export function entriesToClaim(step: Step, due: number[]): number[] {
  const call = callOf(step);
  const held = new Set(call.claimed ?? []);
  const entries = entriesOf(step);
  const claim = due.filter((i) => {
    const userId = entries[i]?.person.userId;
    return entries[i]?.claim === true && userId !== null && userId !== undefined && !held.has(userId);
  });
  if (claim.length === 0) return [];
  const userIds = [...new Set(claim.map((i) => entries[i]!.person.userId!))];
  // Team entries share the free agents with the team's other waiting calls; assigned ones are this contact's.
  const shared = [...new Set(claim.filter((i) => entries[i]!.step === 'team').map((i) => entries[i]!.person.userId!))];
  emit(step, { kind: 'ring-entries-claiming', indexes: claim });
  effect(step, { kind: 'claim-agents', callId: call.id, userIds, indexes: claim, shared });
  return claim;
}

/** The shell claimed (some of) the agents asked for: ring theirs, skip the others. */
export function onAgentsClaimed(step: Step, input: Extract<CallInput, { kind: 'agents-claimed' }>): void {
  const entries = entriesOf(step);
  const asked = input.indexes.filter((i) => entries[i]?.claiming);
  if (input.granted.length > 0) emit(step, { kind: 'agents-held', userIds: input.granted });
  const ringing = callOf(step).stage === 'setup' && callOf(step).announcement === undefined;
  const start = asked.filter((i) => ringing && input.granted.includes(entries[i]!.person.userId ?? ''));
  const skipped = asked.filter((index) => !start.includes(index));
  if (skipped.length > 0) emit(step, { kind: 'ring-entries-skipped', indexes: skipped });
  if (start.length > 0) startLegs(step, start);
  if (ringing && callOf(step).ring) armNext(step);
}

/** A routed call's path grows by the steps of the entries that start ringing now. */
export function noteRoutingStep(step: Step, indexes: number[]): void {
  const entries = entriesOf(step);
  for (const index of indexes) {
    const routing = callOf(step).routing;
    const next = entries[index]?.step;
    if (routing && next && !routing.path.includes(next)) emit(step, { kind: 'routing-stepped', step: next });
  }
}

/**
 * Agents the call no longer needs go free: those with no leg of the call still ringing or talking and no claim in
 * flight or entry still to come; every one once the call is ending.
 */
export function settleClaims(step: Step): void {
  const call = step.state;
  if (!call?.claimed || call.claimed.length === 0) return;
  const needed = new Set<string>();
  if (call.stage === 'setup' || call.stage === 'talking') {
    for (const leg of call.legs) {
      const userId = leg.person?.userId;
      if (userId && leg.role === 'callee' && (leg.status === 'up' || !finished(leg))) {
        if (call.stage === 'setup' || leg.id === call.answeredLegId) needed.add(userId);
      }
    }
    if (call.stage === 'setup')
      for (const entry of call.ring?.entries ?? [])
        if (entry.legId === null && !entry.skipped && entry.person.userId) needed.add(entry.person.userId);
  }
  const release = call.claimed.filter((userId) => !needed.has(userId));
  if (release.length === 0) return;
  emit(step, { kind: 'agents-released', userIds: release });
  effect(step, { kind: 'release-agents', callId: call.id, userIds: release });
}

/** How long a prompt may take before the caller is hung up anyway (its PlaybackFinished never came). */
export const ANNOUNCEMENT_LIMIT_SECONDS = 60;

/** The `hangup` fallback: the caller is answered, hears the prompt, and is hung up when it has played. */
export function announce(step: Step, media: string[], disposition: CallDisposition): void {
  const call = callOf(step);
  const a = aLeg(call);
  if (!a) return endCall(step, disposition, 'normal');
  const playbackId = `${call.id}-announce`;
  emit(step, { kind: 'announcing', playbackId, disposition });
  if (a.status !== 'up') effect(step, { kind: 'answer', channelId: a.id });
  effect(step, { kind: 'play', playbackId, channelId: a.id, media });
  const at = new Date(step.now.getTime() + ANNOUNCEMENT_LIMIT_SECONDS * 1000).toISOString();
  emit(step, { kind: 'timer-set', at });
  effect(step, { kind: 'start-timer', at });
}

/** The prompt played (or the limit passed): the call ends as it went before the fallback. */
export function announcementOver(step: Step, playbackId?: string): void {
  const announcement = callOf(step).announcement;
  if (!announcement || (playbackId !== undefined && playbackId !== announcement.playbackId)) return;
  endCall(step, announcement.disposition, 'normal');
}
