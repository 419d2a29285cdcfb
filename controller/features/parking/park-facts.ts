import type { PbxFact } from '../../ari/pbx.facts.js';
import { playbackIdOf } from './park-state.js';
import { ringLegEntered, ringLegGone, ringLegProgress } from './park-ring.js';
import { abandon, at, effect, emit, finishAnnouncer, parkOf, type Step, unpark } from './park-step.js';

/**
 * What Asterisk reports about a park's channels, as part of the pure `decide`: the parked channel entering and
 * leaving the slot's bridge, channels gone, playbacks finished, rung legs progressing; and facts about a park that
 * is over.
 */

/** A fact about a channel of a park that is over (e.g. a rung leg's StasisStart after the park ended): hang it up. */
export function onOrphanFact(step: Step, fact: PbxFact): void {
  if (fact.kind === 'channel-entered')
    effect(step, { kind: 'hangup', channelId: fact.channel.id, reason: 'normal' });
}

export function onFact(step: Step, fact: PbxFact): void {
  const park = parkOf(step);
  switch (fact.kind) {
    case 'channel-entered':
      return ringLegEntered(step, fact.channel.id);
    case 'channel-entered-bridge':
      if (fact.channel.id === park.channelId && fact.bridge.id === park.bridgeId && !park.inBridge) {
        emit(step, { kind: 'parked', at: at(step) });
        effect(step, { kind: 'device-state', slot: park.slot, state: 'INUSE' });
      }
      return;
    case 'channel-left-bridge':
      return onLeftBridge(step, fact.channel.id, fact.bridge.id);
    case 'channel-state-changed':
      return ringLegProgress(step, fact.channel.id, fact.channel.state);
    case 'dial-progress':
      return ringLegProgress(step, fact.peer.id, fact.status);
    case 'channel-hangup-requested':
    case 'channel-left':
      return onChannelGone(step, fact.channel.id);
    case 'playback-finished':
      return onPlaybackFinished(step, fact.playbackId);
    case 'dtmf-received':
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

function onLeftBridge(step: Step, channelId: string, bridgeId: string): void {
  const park = parkOf(step);
  if (channelId !== park.channelId || bridgeId !== park.bridgeId || !park.inBridge) return;
  emit(step, { kind: 'left-bridge' });
  // Moved into the call of whoever picked it up: Asterisk confirmed the retrieval.
  if (park.stage === 'handing-over') unpark(step);
}

function onChannelGone(step: Step, channelId: string): void {
  const park = parkOf(step);
  if (channelId === park.channelId) {
    if (park.stage === 'handing-over' && !park.inBridge) return unpark(step);
    return abandon(step, park.stage === 'closing' ? 'recall-failed' : 'caller-hung-up');
  }
  if (park.announcer && channelId === park.announcer.channelId) return finishAnnouncer(step);
  ringLegGone(step, channelId);
}

function onPlaybackFinished(step: Step, playbackId: string): void {
  const park = parkOf(step);
  if (park.announcer && playbackId === park.announcer.playbackId) return finishAnnouncer(step);
  if (park.stage === 'closing' && playbackId === playbackIdOf(park.id, 'goodbye')) {
    effect(step, { kind: 'hangup', channelId: park.channelId, reason: 'normal' });
  }
}
