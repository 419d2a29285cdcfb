import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import type { Db } from '../../db/database.js';
import { mailboxOf } from '../../db/voicemail.repository.js';
import type { VoicemailRequest } from '../calls/call-runner.js';
import { heardToTheEnd } from '../calls/playout.js';
import {
  decideDeposit,
  startDeposit,
  type Deposit,
  type DepositEffect,
  type DepositInput,
} from './deposit.decider.js';
import { messageRecordingName } from './mailbox-names.js';
import { greetingMedia } from './voicemail-prompts.js';
import type { VoicemailService } from './voicemail.service.js';

export interface DepositSettings {
  maxSeconds: number;
  silenceSeconds: number;
  /** How long after the caller left a recording's end is waited for before the stored file is read anyway. */
  finishGraceMs?: number;
}

interface Running {
  deposit: Deposit;
  messageId: string;
  request: VoicemailRequest;
  timer?: NodeJS.Timeout;
}

/**
 * The shell of `deposit.decider.ts`: takes the caller's leg the calls feature handed over (unanswered call to a user
 * with a mailbox), answers it, plays the greeting, records, keeps the message. Facts come in through `onFact`, one
 * deposit per channel; nothing survives a controller restart (a caller mid-greeting then is left to reconcile).
 */
export function createDepositRunner(deps: {
  pbx: Pbx;
  db: Db;
  logger: Logger;
  messages: VoicemailService;
  settings: DepositSettings;
}) {
  const { pbx, logger } = deps;
  const byChannel = new Map<string, Running>();

  async function take(request: VoicemailRequest): Promise<void> {
    if (!request.answered && !(await pbx.answer(request.channelId)).ok) return;
    const box = await mailboxOf(deps.db, request.mailbox.userId);
    const greeting =
      box.greeting === 'recorded' && box.greetingFile
        ? greetingMedia({ recording: box.greetingFile })
        : greetingMedia({ extension: request.mailbox.extension, busy: request.reason === 'busy' });
    const messageId = randomUUID();
    const step = startDeposit(request.channelId, messageRecordingName(messageId), greeting);
    const running: Running = { deposit: step.deposit, messageId, request };
    byChannel.set(request.channelId, running);
    await carryOut(running, step.effects);
  }

  async function feed(running: Running, input: DepositInput): Promise<void> {
    const step = decideDeposit(running.deposit, input);
    running.deposit = step.deposit;
    if (step.deposit.phase === 'done') {
      clearTimeout(running.timer);
      byChannel.delete(step.deposit.channelId);
    }
    await carryOut(running, step.effects);
  }

  async function carryOut(running: Running, effects: DepositEffect[]): Promise<void> {
    for (const effect of effects) await execute(running, effect);
  }

  async function execute(running: Running, effect: DepositEffect): Promise<void> {
    const channelId = running.deposit.channelId;
    switch (effect.kind) {
      case 'play': {
        const media = effect.media.includes('sound:vm-goodbye')
          ? heardToTheEnd(effect.media)
          : [...effect.media];
        const played = await pbx.play({ playbackId: effect.playbackId, target: { channelId }, media });
        if (!played.ok)
          await feed(running, { kind: 'playback-finished', playbackId: effect.playbackId, ok: false });
        return;
      }
      case 'record': {
        const started = await pbx.record({
          channelId,
          name: effect.name,
          format: 'wav',
          maxDurationSeconds: deps.settings.maxSeconds,
          maxSilenceSeconds: deps.settings.silenceSeconds,
          terminateOn: '#',
          beep: false,
          ifExists: 'fail',
        });
        if (!started.ok) await feed(running, { kind: 'recording-failed', cause: started.message });
        return;
      }
      case 'keep-message': {
        const { request } = running;
        await deps.messages
          .keep({
            id: running.messageId,
            recordingName: effect.name,
            mailboxUserId: request.mailbox.userId,
            from: { number: request.caller.number, name: request.caller.name },
            to: request.dialled,
            callId: request.callId,
            durationSeconds: effect.durationSeconds,
          })
          .catch((error: unknown) =>
            logger.error({ err: error, name: effect.name }, 'could not keep a message'),
          );
        return;
      }
      case 'arm-recording-timeout':
        running.timer = setTimeout(
          () => void feed(running, { kind: 'recording-timeout' }),
          deps.settings.finishGraceMs ?? 3000,
        );
        running.timer.unref();
        return;
      case 'hangup':
        await pbx.hangup(channelId, 'normal');
        return;
      default: {
        const never: never = effect;
        throw new Error(`unknown deposit effect ${JSON.stringify(never)}`);
      }
    }
  }

  const running = (predicate: (r: Running) => boolean) => [...byChannel.values()].find(predicate);

  return {
    take: (request: VoicemailRequest) =>
      void take(request).catch((error: unknown) => {
        logger.error({ err: error, channelId: request.channelId }, 'voicemail could not take the call');
        void pbx.hangup(request.channelId, 'congestion');
      }),
    /** The facts of the callers leaving messages; true if the fact was one of theirs. */
    async onFact(fact: PbxFact): Promise<void> {
      switch (fact.kind) {
        case 'playback-finished': {
          const found = running((r) => fact.playbackId.startsWith(r.deposit.recordingName));
          if (found)
            await feed(found, {
              kind: 'playback-finished',
              playbackId: fact.playbackId,
              ok: fact.state === 'done',
            });
          return;
        }
        case 'recording-finished':
        case 'recording-failed': {
          const found = running((r) => r.deposit.recordingName === fact.name);
          if (!found) return;
          if (fact.kind === 'recording-failed')
            return feed(found, { kind: 'recording-failed', cause: fact.cause });
          const duration =
            fact.durationSeconds === undefined ? {} : { durationSeconds: fact.durationSeconds };
          return feed(found, { kind: 'recording-finished', ...duration });
        }
        case 'channel-left': {
          const found = byChannel.get(fact.channel.id);
          if (found && !found.deposit.callerGone) await feed(found, { kind: 'caller-left' });
          return;
        }
        default:
          return;
      }
    },
    stop(): void {
      for (const r of byChannel.values()) clearTimeout(r.timer);
      byChannel.clear();
    },
  };
}

export type DepositRunner = ReturnType<typeof createDepositRunner>;
