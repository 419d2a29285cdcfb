import type { PbxFact } from '../../ari/pbx.facts.js';
import { bridgeIdOf, bridgeNameOf, playbackIdOf, slotDigits } from './park-state.js';
import { onEffectFailed, onReconcile } from './park-recovery.js';
import { ringFailed, ringLegEntered, ringLegGone, ringLegProgress, startRing, timeOut } from './park-ring.js';
import {
  abandon,
  at,
  effect,
  emit,
  finishAnnouncer,
  intoBridge,
  parkOf,
  releaseCallBridge,
  stopRinging,
  type Step,
  unpark,
} from './park-step.js';
import type { NewPark, ParkDecision, ParkInput, ParkState } from './parking.types.js';

/**
 * Parking as a pure function: one park (one occupied slot), one input, what happened and what to do. The shell
 * (parking.runner.ts) allocates the slot before the first input, saves, publishes and carries the effects out.
 */
export function decide(input: ParkInput, state: ParkState | undefined, now: Date): ParkDecision {
  const step: Step = { state, events: [], effects: [], now };
  react(step, input);
  return { events: step.events, effects: step.effects };
}

const active = (park: ParkState | undefined): park is ParkState => !!park && park.stage !== 'done';

function react(step: Step, input: ParkInput): void {
  const park = step.state;
  switch (input.kind) {
    case 'park':
      return park ? undefined : startPark(step, input.park);
    case 'adopt':
      return park ? undefined : adoptPark(step, input.park, input.bridgeId);
    case 'fact':
      return active(park) ? onFact(step, input.fact) : onOrphanFact(step, input.fact);
    case 'tick':
      return active(park) ? onTick(step, input) : undefined;
    case 'retrieve-by-dial':
      return onRetrieveByDial(step, input);
    case 'retrieve-to':
      return active(park) && park.stage === 'parked' && park.inBridge && !park.ring
        ? void startRing(step, 'retrieve', input.to, input.targets)
        : undefined;
    case 'replace':
      return active(park) ? onReplace(step, input) : undefined;
    case 'effect-failed':
      return active(park) ? onEffectFailed(step, input.effect, input.reason) : undefined;
    case 'reconcile':
      return active(park) ? onReconcile(step, new Set(input.channelIds), input.bridges) : undefined;
    default: {
      const never: never = input;
      throw new Error(`unknown park input ${JSON.stringify(never)}`);
    }
  }
}

function newParkState(step: Step, request: NewPark, bridgeId: string): ParkState {
  const announcer = request.announcer && {
    ...request.announcer,
    playbackId: playbackIdOf(request.id, 'slot'),
  };
  return {
    id: request.id,
    slot: request.slot,
    bridgeId,
    channelId: request.channelId,
    caller: request.caller,
    parker: request.parker,
    via: request.via,
    stage: 'parking',
    inBridge: false,
    requestedAt: at(step),
    parkedAt: null,
    timeoutSeconds: request.timeoutSeconds,
    timeoutAt: at(step, request.timeoutSeconds),
    ringSeconds: request.ringSeconds,
    fallback: null,
    timedOut: false,
    announcer,
    callBridgeId: request.fromCall?.bridgeId ?? null,
    ring: null,
    handover: null,
    endReason: null,
    channelIds:
      announcer && announcer.channelId !== request.channelId
        ? [request.channelId, announcer.channelId]
        : [request.channelId],
    legSeq: 0,
  };
}

/** Found on a (re)connect in a `park-7NN` bridge nobody knew: on hold already; the BLF and the music are set again. */
function adoptPark(step: Step, request: NewPark, bridgeId: string): void {
  emit(step, {
    kind: 'park-started',
    park: newParkState(step, { ...request, announcer: null, fromCall: null }, bridgeId),
  });
  emit(step, { kind: 'parked', at: at(step) });
  effect(
    step,
    { kind: 'moh', bridgeId, on: true },
    { kind: 'device-state', slot: request.slot, state: 'INUSE' },
  );
}

function startPark(step: Step, request: NewPark): void {
  const park = newParkState(step, request, bridgeIdOf(request.slot, request.id));
  const announcer = park.announcer;
  emit(step, { kind: 'park-started', park });
  // A blind transfer: tell the transferer's phone at once that the transfer is under way (NOTIFY 100).
  if (announcer?.mode === 'transfer') {
    effect(step, { kind: 'transfer-progress', channelId: announcer.channelId, state: 'channel_progress' });
  }
  if (!request.channelUp) effect(step, { kind: 'answer', channelId: park.channelId });
  effect(step, { kind: 'create-bridge', bridgeId: park.bridgeId, name: bridgeNameOf(park.slot) });
  // A phone that dialled 700 hears its slot first, then goes on hold; anyone else is parked at once.
  if (announcer?.mode !== 'self') intoBridge(step);
  if (announcer) {
    effect(step, {
      kind: 'play',
      playbackId: announcer.playbackId,
      target: { channelId: announcer.channelId },
      media: slotDigits(park.slot),
    });
  }
  if (request.fromCall) {
    effect(step, {
      kind: 'release-from-call',
      callId: request.fromCall.callId,
      channelIds: request.fromCall.releaseChannelIds,
    });
  }
  // Nobody to announce to (API): the old call's bridge goes once its legs are handed over.
  if (!announcer) releaseCallBridge(step);
}

/** A fact about a channel of a park that is over (e.g. a rung leg's StasisStart after the park ended): hang it up. */
function onOrphanFact(step: Step, fact: PbxFact): void {
  if (fact.kind === 'channel-entered')
    effect(step, { kind: 'hangup', channelId: fact.channel.id, reason: 'normal' });
}

function onFact(step: Step, fact: PbxFact): void {
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

function onTick(step: Step, input: Extract<ParkInput, { kind: 'tick' }>): void {
  const park = parkOf(step);
  if (park.ring && step.now.getTime() >= Date.parse(park.ring.deadline)) return ringFailed(step);
  const waiting = park.stage === 'parking' || park.stage === 'parked';
  if (waiting && !park.timedOut && step.now.getTime() >= Date.parse(park.timeoutAt)) {
    timeOut(step, input.parkerTargets, input.fallback);
  }
}

/** Someone dialled the slot: the parked call is theirs (a recall or API ring still under way stops). */
function onRetrieveByDial(step: Step, input: Extract<ParkInput, { kind: 'retrieve-by-dial' }>): void {
  const park = step.state;
  if (!active(park) || park.stage !== 'parked' || !park.inBridge) {
    return effect(step, {
      kind: 'prompt-and-hangup',
      channelId: input.channelId,
      media: ['sound:pbx-invalidpark'],
    });
  }
  stopRinging(step);
  emit(step, { kind: 'handing-over', handover: { to: input.by, channelId: input.channelId, via: 'dial' } });
  effect(step, {
    kind: 'hand-over',
    slot: park.slot,
    parked: { channelId: park.channelId, person: park.caller },
    to: { channelId: input.channelId, person: input.by, up: false },
  });
}

/**
 * Attended transfer to 700: the transferer's consultation leg was parked (self); its REFER with Replaces puts the
 * transferee in its place. Both of the transferer's legs are hung up.
 */
function onReplace(step: Step, input: Extract<ParkInput, { kind: 'replace' }>): void {
  const park = parkOf(step);
  if (park.stage !== 'parking' && park.stage !== 'parked') {
    return effect(step, {
      kind: 'transfer-progress',
      channelId: input.transfererChannelId,
      state: 'channel_declined',
    });
  }
  const consultation = park.channelId;
  emit(step, { kind: 'caller-replaced', channelId: input.channelId, caller: input.caller });
  effect(
    step,
    { kind: 'add-to-bridge', bridgeId: park.bridgeId, channelIds: [input.channelId] },
    { kind: 'moh', bridgeId: park.bridgeId, on: true },
  );
  if (input.fromCall) {
    effect(step, {
      kind: 'release-from-call',
      callId: input.fromCall.callId,
      channelIds: input.fromCall.releaseChannelIds,
    });
  }
  effect(
    step,
    { kind: 'transfer-progress', channelId: input.transfererChannelId, state: 'channel_answered' },
    { kind: 'hangup', channelId: consultation, reason: 'normal' },
    { kind: 'hangup', channelId: input.transfererChannelId, reason: 'normal' },
  );
  if (input.fromCall?.bridgeId) effect(step, { kind: 'destroy-bridge', bridgeId: input.fromCall.bridgeId });
}
