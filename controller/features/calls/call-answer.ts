import { aLeg, bridgeIdOf, newLeg } from './call-state.js';
import { callOf, clearTimer, effect, emit, hangupLeg, type Step, stopRingback, writeLog } from './call-step.js';
import type { Leg, PickupInput } from './call.types.js';

/**
 * First answer wins: the other callee legs stop at once with the cause that tells their phones the call was answered
 * elsewhere (no missed call), the caller is answered and both are bridged (a ring-back's caller is in its bridge
 * already: only the callee joins it).
 */
export function calleeAnswered(step: Step, leg: Leg): void {
  const call = callOf(step);
  const by =
    leg.person ??
    (call.destination.kind === 'unknown'
      ? { number: call.dialled, name: '', userId: null }
      : call.destination.user);
  const existing = call.bridgeId;
  const bridgeId = existing ?? bridgeIdOf(call.id);
  emit(step, { kind: 'callee-answered', legId: leg.id, by, at: step.now.toISOString(), bridgeId });
  clearTimer(step);
  stopRingback(step);
  for (const other of callOf(step).legs)
    if (other.role === 'callee' && other.id !== leg.id)
      hangupLeg(step, other, other.status === 'up' ? 'normal' : 'answered-elsewhere');
  const a = aLeg(callOf(step))!;
  if (a.status !== 'up') effect(step, { kind: 'answer', channelId: a.id });
  if (existing) effect(step, { kind: 'add-to-bridge', bridgeId, channelIds: [leg.id] });
  else
    effect(
      step,
      { kind: 'create-bridge', bridgeId, name: `call-${call.id}` },
      { kind: 'add-to-bridge', bridgeId, channelIds: [a.id, leg.id] },
    );
  writeLog(step);
}

/**
 * `**<ext>`: another phone takes the call while it rings (the shell checked who may). It answers like a callee leg:
 * the rung devices stop at once, caller and picker are bridged. A call no longer ringing is left alone (the shell
 * sees the picker did not win and refuses it).
 */
export function onPickup(step: Step, input: PickupInput): void {
  const call = callOf(step);
  if (call.stage !== 'setup' || !call.aLegId || call.legs.some((l) => l.id === input.channelId)) return;
  const leg: Leg = {
    ...newLeg(input.channelId, 'callee', input.endpoint, 'up'),
    inStasis: true,
    person: input.person,
  };
  emit(step, { kind: 'picked-up', leg });
  effect(step, { kind: 'answer', channelId: leg.id });
  calleeAnswered(step, leg);
}
