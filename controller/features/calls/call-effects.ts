import type { FailureReason, Outcome, Pbx } from '../../ari/pbx.port.js';
import { upsertCallLog } from '../../db/calls.repository.js';
import type { Db } from '../../db/database.js';
import type { CallTimers } from './call-timers.js';
import type { CallEffect, CallInput } from './call.types.js';
import type {
  ParkCodeRequest,
  RecordCodeRequest,
  RingBackRequest,
  TransferCallRequest,
  VoicemailRequest,
} from './call-runner.js';
import type { SetupStep } from './setup-trace.js';

export interface CallEffectsDeps {
  pbx: Pbx;
  db: Db;
  timers: CallTimers;
  mark(callId: string, step: SetupStep): void;
  onParkCode?: (request: ParkCodeRequest) => void;
  onRecordCode?: (request: RecordCodeRequest) => void;
  onRingBack?: (request: RingBackRequest) => void;
  /** Routed calls' agent claims (`../routing/agent-claims.ts`); without it every agent asked for is granted. */
  agents?: AgentClaims;
  onVoicemail?: (request: VoicemailRequest) => void;
  /** A blind transfer's new call: the service starts it. */
  onTransferCall?: (request: TransferCallRequest) => void;
}

/** One agent per routed call: claims that hold across controller instances. */
export interface AgentClaims {
  /**
   * Which of these agents are this call's now (free, or already this call's). Of `shared` (a team step's agents) the
   * call takes only its share of the free ones, so that routed calls waiting together get different agents.
   */
  claim(callId: string, userIds: string[], shared: string[]): Promise<string[]>;
  release(callId: string, userIds: string[]): Promise<void>;
}

const failure = (outcome: Outcome<unknown>): FailureReason | undefined =>
  outcome.ok ? undefined : outcome.reason;

/** Each effect of the calls decider carried out through the Pbx (or the database, a timer, another feature). */
export function createCallEffects(deps: CallEffectsDeps) {
  const { pbx, timers, mark } = deps;
  /** Carries one effect out; `feed` takes the input an effect answers with (a claim's result). */
  async function carryOut(
    callId: string,
    effect: CallEffect,
    feed: (input: CallInput) => void = () => undefined,
  ): Promise<FailureReason | undefined> {
    switch (effect.kind) {
      case 'answer':
        return failure(await pbx.answer(effect.channelId));
      case 'ring':
        return failure(await pbx.ring(effect.channelId, true));
      case 'set-variable':
        return failure(await pbx.setVariable(effect.channelId, effect.name, effect.value));
      case 'create-channel':
        return failure(await pbx.createChannel(effect.request));
      case 'originate': {
        const originated = pbx.originate(effect.request);
        mark(callId, 'originate-sent');
        return failure(await originated);
      }
      case 'dial':
        return failure(await pbx.dial(effect.request));
      case 'create-bridge':
        return failure(await pbx.createBridge(effect.bridgeId, 'mixing-dtmf', effect.name));
      case 'add-to-bridge':
        return failure(await pbx.addToBridge(effect.bridgeId, effect.channelIds));
      case 'destroy-bridge':
        return failure(await pbx.destroyBridge(effect.bridgeId));
      case 'hangup':
        return failure(await pbx.hangup(effect.channelId, effect.reason));
      case 'play':
        return failure(
          await pbx.play({
            playbackId: effect.playbackId,
            target: { channelId: effect.channelId },
            media: effect.media,
          }),
        );
      case 'stop-playback':
        return failure(await pbx.stopPlayback(effect.playbackId));
      case 'start-timer':
        timers.arm(callId, effect.at);
        return undefined;
      case 'cancel-timer':
        timers.cancel(callId);
        return undefined;
      case 'write-call-log':
        await upsertCallLog(deps.db, effect.log);
        return undefined;
      case 'park-code':
        deps.onParkCode?.({
          callId: effect.callId,
          parkerChannelId: effect.parkerChannelId,
          parkeeChannelId: effect.parkeeChannelId,
        });
        return undefined;
      case 'record-code':
        deps.onRecordCode?.({ callId: effect.callId, channelId: effect.channelId });
        return undefined;
      case 'ring-back':
        deps.onRingBack?.({ survivor: effect.survivor, bridgeId: effect.bridgeId, to: effect.to });
        return undefined;
      case 'transfer-progress':
        return failure(await pbx.transferProgress(effect.channelId, effect.state));
      case 'transfer-call':
        if (deps.onTransferCall) deps.onTransferCall(effect.request);
        else await pbx.hangup(effect.request.survivor.channelId, 'normal');
        return undefined;
      case 'claim-agents': {
        const granted = deps.agents ? await deps.agents.claim(effect.callId, effect.userIds, effect.shared) : effect.userIds;
        feed({ kind: 'agents-claimed', indexes: effect.indexes, granted });
        return undefined;
      }
      case 'release-agents':
        await deps.agents?.release(effect.callId, effect.userIds);
        return undefined;
      case 'voicemail': {
        const { kind: _kind, ...request } = effect;
        if (deps.onVoicemail) deps.onVoicemail(request);
        else await pbx.hangup(effect.channelId, effect.reason === 'busy' ? 'busy' : 'no-answer');
        return undefined;
      }
      default: {
        const never: never = effect;
        throw new Error(`unknown call effect ${JSON.stringify(never)}`);
      }
    }
  }
  return { carryOut };
}
