import type { BridgeInfo } from '../../ari/pbx.facts.js';
import type { FailureReason } from '../../ari/pbx.port.js';
import { bridgeNameOf } from './park-state.js';
import { ringLegGone } from './park-ring.js';
import {
  abandon,
  at,
  effect,
  emit,
  finishAnnouncer,
  intoBridge,
  parkOf,
  type Step,
  unpark,
} from './park-step.js';
import type { ParkEffect } from './parking.types.js';

/** The parking decider's answers to failed commands and to a (re)connect: part of `decide`, pure. */

export function onEffectFailed(step: Step, failed: ParkEffect, reason: FailureReason): void {
  const park = parkOf(step);
  switch (failed.kind) {
    case 'add-to-bridge':
      if (failed.channelIds.includes(park.channelId) && park.stage !== 'handing-over') {
        // The parked channel could not be put on hold: gone already, or Asterisk refused (then hang it up).
        if (reason !== 'gone')
          effect(step, { kind: 'hangup', channelId: park.channelId, reason: 'congestion' });
        return abandon(step, reason === 'gone' ? 'caller-hung-up' : 'park-failed');
      }
      return;
    case 'create-channel':
      return ringLegGone(step, failed.request.channelId);
    case 'dial': {
      const leg = park.ring?.legs.find((l) => l.id === failed.request.channelId);
      if (leg && leg.status !== 'gone') effect(step, { kind: 'hangup', channelId: leg.id, reason: 'normal' });
      return ringLegGone(step, failed.request.channelId);
    }
    case 'play':
      if (park.announcer && failed.playbackId === park.announcer.playbackId) return finishAnnouncer(step);
      if (park.stage === 'closing')
        effect(step, { kind: 'hangup', channelId: park.channelId, reason: 'normal' });
      return;
    case 'hand-over':
      if (park.stage !== 'handing-over') return;
      emit(step, { kind: 'handover-failed' });
      return effect(step, { kind: 'hangup', channelId: failed.to.channelId, reason: 'congestion' });
    case 'answer':
    case 'hangup':
    case 'transfer-progress':
    case 'create-bridge':
    case 'destroy-bridge':
    case 'moh':
    case 'device-state':
    case 'release-from-call':
    case 'prompt-and-hangup':
      return;
    default: {
      const never: never = failed;
      throw new Error(`unknown park effect ${JSON.stringify(never)}`);
    }
  }
}

/**
 * After a (re)connect: adopt what Asterisk still holds, let go of what vanished while nobody listened. Playbacks
 * that ended meanwhile never report it, so an announcement is finished now and a goodbye ends the call now.
 */
export function onReconcile(step: Step, present: Set<string>, bridges: BridgeInfo[]): void {
  const park = parkOf(step);
  const ours = bridges.find((bridge) => bridge.id === park.bridgeId);
  const held = ours?.channelIds.includes(park.channelId) ?? false;
  if (!present.has(park.channelId)) {
    return park.stage === 'handing-over'
      ? unpark(step)
      : abandon(step, park.stage === 'closing' ? 'recall-failed' : 'vanished');
  }
  if (park.stage === 'handing-over') {
    // Moved out: the hand-over happened. Still here: it never did (the controller stopped meanwhile).
    return held ? void emit(step, { kind: 'handover-failed' }) : unpark(step);
  }
  if (park.stage === 'closing')
    return effect(step, { kind: 'hangup', channelId: park.channelId, reason: 'normal' });
  const selfAnnounced = park.announcer?.mode === 'self';
  finishAnnouncer(step);
  for (const leg of parkOf(step).ring?.legs ?? [])
    if (leg.status !== 'gone' && !present.has(leg.id)) ringLegGone(step, leg.id);
  const now = parkOf(step);
  if (now.stage === 'done') return;
  if (held && !now.inBridge) emit(step, { kind: 'parked', at: at(step) });
  if (!held && !selfAnnounced && (now.stage === 'parking' || now.stage === 'parked')) {
    // Still ours but out of its bridge (e.g. the bridge went away): put it back on hold.
    emit(step, { kind: 'rebridge' });
    effect(step, { kind: 'create-bridge', bridgeId: now.bridgeId, name: bridgeNameOf(now.slot) });
    intoBridge(step);
  }
  effect(step, { kind: 'device-state', slot: now.slot, state: 'INUSE' });
}
