import type { FailureReason } from '../../ari/pbx.port.js';
import { findLeg, liveLegs } from './call-state.js';
import { callOf, effect, emit, endCall, hangupLeg, type Step } from './call-step.js';
import type { CallEffect } from './call.types.js';
import { announcementOver, onAgentsClaimed } from './call-claims.js';

/** The calls decider's answers to failed commands and to a (re)connect: part of `decide`, pure. */

export function onEffectFailed(step: Step, failed: CallEffect, reason: FailureReason): void {
  const call = callOf(step);
  switch (failed.kind) {
    case 'create-channel':
    case 'originate': {
      const leg = findLeg(call, failed.request.channelId);
      if (!leg || leg.status === 'gone') return;
      emit(step, {
        kind: 'leg-failed',
        legId: leg.id,
        failure: reason === 'unavailable' ? 'unavailable' : 'other',
      });
      return emit(step, { kind: 'leg-gone', legId: leg.id });
    }
    case 'dial':
      return onChannelCommandFailed(step, failed.request.channelId, reason, true);
    case 'hangup':
    case 'answer':
    case 'ring':
    case 'set-variable':
      return onChannelCommandFailed(step, failed.channelId, reason, false);
    case 'create-bridge':
    case 'add-to-bridge':
      if (reason !== 'gone' && reason !== 'conflict' && call.stage === 'talking')
        endCall(step, 'failed', 'congestion');
      return;
    case 'play':
      return announcementOver(step, failed.playbackId);
    case 'claim-agents':
      // Nobody could be claimed (Redis unreachable): the entries are skipped, the plan moves on.
      return onAgentsClaimed(step, { kind: 'agents-claimed', indexes: failed.indexes, granted: [] });
    case 'release-agents':
    case 'destroy-bridge':
    case 'stop-playback':
    case 'start-timer':
    case 'cancel-timer':
    case 'write-call-log':
    case 'park-code':
    case 'record-code':
    case 'ring-back':
    case 'voicemail':
    case 'transfer-progress':
    case 'transfer-call':
      // A transferer gone before its NOTIFY (its phone hung up first): nothing to tell it any more.
      return;
    default: {
      const never: never = failed;
      throw new Error(`unknown effect ${JSON.stringify(never)}`);
    }
  }
}

/** "Gone" means the channel has left; a dial that failed otherwise leaves a leg that will never ring. */
function onChannelCommandFailed(step: Step, channelId: string, reason: FailureReason, isDial: boolean): void {
  const leg = findLeg(callOf(step), channelId);
  if (!leg || leg.status === 'gone') return;
  if (reason === 'gone') return emit(step, { kind: 'leg-gone', legId: leg.id });
  if (!isDial) return;
  emit(step, { kind: 'leg-failed', legId: leg.id, failure: 'other' });
  hangupLeg(step, findLeg(callOf(step), channelId)!, 'normal');
}

/**
 * After a (re)connect: a channel Asterisk no longer has left while we were not listening; one we had asked to hang up
 * and that is still there is asked again. That request may have failed with the socket going down (unreachable), and
 * it is sent only once (`hangupSent`): the fault suite (tests/faults/ari-socket.fault.test.ts) found a call stuck in
 * `ending` for good, its caller never released, when the link was cut just after an answer. A second hang-up of a
 * channel on its way out answers `gone`, which is harmless.
 */
export function onReconcile(step: Step, present: Set<string>): void {
  for (const leg of liveLegs(callOf(step))) {
    if (!present.has(leg.id)) emit(step, { kind: 'leg-gone', legId: leg.id });
    else if (leg.hangupSent) effect(step, { kind: 'hangup', channelId: leg.id, reason: 'normal' });
  }
}
