import {
  announcementOf,
  ANNOUNCEMENT_LIMIT_SECONDS,
  bridgeIdOf,
  bridgeNameOf,
  playbackIdOf,
} from './park-state.js';
import { at, effect, emit, intoBridge, parkOf, releaseCallBridge, type Step } from './park-step.js';
import type { NewPark, ParkInput, ParkState } from './parking.types.js';

/**
 * How a park begins, as part of the pure `decide`: a new park on its slot, one adopted from a `park-7NN` bridge found
 * on a (re)connect, and the attended transfer that puts the transferee in the place of a self-parked consultation leg.
 */

function newParkState(step: Step, request: NewPark, bridgeId: string): ParkState {
  const announcer = request.announcer && {
    ...request.announcer,
    playbackId: playbackIdOf(request.id, 'slot'),
    deadline: at(step, ANNOUNCEMENT_LIMIT_SECONDS),
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

export /** Found on a (re)connect in a `park-7NN` bridge nobody knew: on hold already; the BLF and the music are set again. */
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

export function startPark(step: Step, request: NewPark): void {
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
      media: announcementOf(park.slot, announcer.mode),
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

/**
 * Attended transfer to 700: the transferer's consultation leg was parked (self); its REFER with Replaces puts the
 * transferee in its place. Both of the transferer's legs are hung up.
 */
export function onReplace(step: Step, input: Extract<ParkInput, { kind: 'replace' }>): void {
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
