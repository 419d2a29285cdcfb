import type { HangupReason } from '../../ari/pbx.port.js';
import { heardToTheEnd } from '../calls/playout.js';
import { evolve, liveRingLegs, playbackIdOf } from './park-state.js';
import type { AbandonReason, ParkEffect, ParkEvent, ParkState, RingLeg } from './parking.types.js';

/** One decision being built: events are folded into `state` as they are emitted. Local to one pure `decide`. */
export interface Step {
  state: ParkState | undefined;
  events: ParkEvent[];
  effects: ParkEffect[];
  now: Date;
}

export function emit(step: Step, event: ParkEvent): void {
  step.events.push(event);
  step.state = evolve(step.state, event);
}

export function effect(step: Step, ...effects: ParkEffect[]): void {
  step.effects.push(...effects);
}

export function parkOf(step: Step): ParkState {
  if (!step.state) throw new Error('no park in this step');
  return step.state;
}

export const at = (step: Step, seconds = 0) => new Date(step.now.getTime() + seconds * 1000).toISOString();

export function hangupRingLeg(step: Step, leg: RingLeg, reason: HangupReason = 'normal'): void {
  if (leg.status === 'gone' || leg.hangupSent) return;
  emit(step, { kind: 'ring-leg-hangup-sent', legId: leg.id });
  effect(step, { kind: 'hangup', channelId: leg.id, reason });
}

/** Stops whatever rings (recall, fallback, API retrieval). */
export function stopRinging(step: Step): void {
  const park = parkOf(step);
  if (!park.ring) return;
  for (const leg of liveRingLegs(park)) hangupRingLeg(step, leg);
  emit(step, { kind: 'ring-ended' });
}

/** The bridge of the call the park came from was handed over: destroy it once nobody needs it. */
export function releaseCallBridge(step: Step): void {
  const bridgeId = parkOf(step).callBridgeId;
  if (!bridgeId) return;
  emit(step, { kind: 'call-bridge-released' });
  effect(step, { kind: 'destroy-bridge', bridgeId });
}

/**
 * The announcement is over (or no longer matters): a transferer gets `channel_answered` (its phone hangs up by
 * itself), a `#72` parker is hung up, a self-parked channel goes into the slot's bridge.
 */
export function finishAnnouncer(step: Step): void {
  const park = parkOf(step);
  const announcer = park.announcer;
  if (!announcer) return;
  emit(step, { kind: 'announcer-done' });
  switch (announcer.mode) {
    case 'transfer':
      effect(step, { kind: 'transfer-progress', channelId: announcer.channelId, state: 'channel_answered' });
      break;
    case 'code':
      effect(step, { kind: 'hangup', channelId: announcer.channelId, reason: 'normal' });
      break;
    case 'self':
      if (park.stage === 'parking' || park.stage === 'parked') intoBridge(step);
      break;
    default: {
      const never: never = announcer.mode;
      throw new Error(`unknown announcer mode ${String(never)}`);
    }
  }
  releaseCallBridge(step);
}

/** The parked channel into the slot's bridge, with music on hold. */
export function intoBridge(step: Step): void {
  const park = parkOf(step);
  effect(
    step,
    { kind: 'add-to-bridge', bridgeId: park.bridgeId, channelIds: [park.channelId] },
    { kind: 'moh', bridgeId: park.bridgeId, on: true },
  );
}

/** Everything the park still holds goes: rings stop, the announcement ends, bridges are destroyed, BLF off. */
function releaseEverything(step: Step): void {
  stopRinging(step);
  finishAnnouncer(step);
  releaseCallBridge(step);
  const park = parkOf(step);
  effect(
    step,
    { kind: 'destroy-bridge', bridgeId: park.bridgeId },
    { kind: 'device-state', slot: park.slot, state: 'NOT_INUSE' },
  );
}

/** The parked call left the slot for the call that picked it up (Asterisk confirmed the move). */
export function unpark(step: Step): void {
  releaseEverything(step);
  emit(step, { kind: 'unparked', at: at(step) });
}

/** The parked call is gone without being picked up: free the slot. */
export function abandon(step: Step, reason: AbandonReason): void {
  releaseEverything(step);
  emit(step, { kind: 'abandoned', reason, at: at(step) });
}

/** Nobody took the recall: say goodbye to the parked caller, then hang up (abandoned once the channel is gone). */
export function closePark(step: Step): void {
  const park = parkOf(step);
  emit(step, { kind: 'closing' });
  effect(
    step,
    { kind: 'moh', bridgeId: park.bridgeId, on: false },
    {
      kind: 'play',
      playbackId: playbackIdOf(park.id, 'goodbye'),
      target: { channelId: park.channelId },
      media: heardToTheEnd(['sound:vm-goodbye']),
    },
  );
}
