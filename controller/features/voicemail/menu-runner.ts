import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import type { Db } from '../../db/database.js';
import { mailboxOf, messagesOf, saveMailbox } from '../../db/voicemail.repository.js';
import { heardToTheEnd } from '../calls/playout.js';
import { greetingRecordingName } from './mailbox-names.js';
import { decideMenu, startMenu, type Menu, type MenuEffect, type MenuInput } from './menu.decider.js';
import type { VoicemailService } from './voicemail.service.js';

interface Session {
  channelId: string;
  userId: string;
  menu: Menu;
  timer?: NodeJS.Timeout;
  /** The greeting being recorded now, if any. */
  greeting?: string;
}

/**
 * The shell of `menu.decider.ts`: a caller who proved whose mailbox it is listens to its messages. Digits, playback
 * ends and the greeting recording's end come in through `onFact`.
 */
export function createMenuRunner(deps: {
  pbx: Pbx;
  db: Db;
  logger: Logger;
  messages: VoicemailService;
  maxGreetingSeconds: number;
}) {
  const { pbx, db, logger } = deps;
  const sessions = new Map<string, Session>();

  async function open(channelId: string, userId: string): Promise<void> {
    const messages = await messagesOf(db, userId);
    const prefix = `vm-menu-${randomBytes(6).toString('hex')}`;
    const step = startMenu(
      prefix,
      messages.map((m) => ({ id: m.id, recordingName: m.recordingName, heard: m.heard })),
    );
    const session: Session = { channelId, userId, menu: step.menu };
    sessions.set(channelId, session);
    await carryOut(session, step.effects);
  }

  async function feed(session: Session, input: MenuInput): Promise<void> {
    if (input.kind === 'digit' || input.kind === 'timeout') clearTimeout(session.timer);
    const step = decideMenu(session.menu, input);
    session.menu = step.menu;
    if (step.menu.phase === 'done') close(session);
    await carryOut(session, step.effects);
  }

  function close(session: Session): void {
    clearTimeout(session.timer);
    sessions.delete(session.channelId);
  }

  async function carryOut(session: Session, effects: MenuEffect[]): Promise<void> {
    for (const effect of effects) await execute(session, effect);
  }

  async function execute(session: Session, effect: MenuEffect): Promise<void> {
    const { channelId } = session;
    switch (effect.kind) {
      case 'play': {
        const media = session.menu.phase === 'goodbye' ? heardToTheEnd(effect.media) : [...effect.media];
        const played = await pbx.play({ playbackId: effect.playbackId, target: { channelId }, media });
        if (!played.ok && played.reason === 'gone') close(session);
        return;
      }
      case 'stop-playback':
        await pbx.stopPlayback(effect.playbackId);
        return;
      case 'mark-heard':
        return deps.messages.phone.markHeard(effect.messageId);
      case 'delete-message':
        return deps.messages.phone.delete(effect.messageId);
      case 'record-greeting': {
        session.greeting = greetingRecordingName(session.userId, Date.now().toString(36));
        const started = await pbx.record({
          channelId,
          name: session.greeting,
          format: 'wav',
          maxDurationSeconds: deps.maxGreetingSeconds,
          maxSilenceSeconds: 0,
          terminateOn: '#',
          beep: false,
          ifExists: 'overwrite',
        });
        if (!started.ok) await feed(session, { kind: 'recording-failed' });
        return;
      }
      case 'keep-greeting':
        return keepGreeting(session);
      case 'arm-timeout':
        session.timer = setTimeout(() => void feed(session, { kind: 'timeout' }), effect.seconds * 1000);
        session.timer.unref();
        return;
      case 'hangup':
        await pbx.hangup(channelId, 'normal');
        return;
      default: {
        const never: never = effect;
        throw new Error(`unknown menu effect ${JSON.stringify(never)}`);
      }
    }
  }

  /** The new greeting replaces the old one (whose stored recording goes) and is played from now on. */
  async function keepGreeting(session: Session): Promise<void> {
    const name = session.greeting;
    if (!name) return;
    const box = await mailboxOf(db, session.userId);
    await saveMailbox(db, { ...box, greeting: 'recorded', greetingFile: name });
    if (box.greetingFile && box.greetingFile !== name) await pbx.deleteStoredRecording(box.greetingFile);
  }

  return {
    open: (channelId: string, userId: string) =>
      open(channelId, userId).catch((error: unknown) => {
        logger.error({ err: error, channelId }, 'voicemail menu failed');
        void pbx.hangup(channelId, 'congestion');
      }),
    async onFact(fact: PbxFact): Promise<void> {
      switch (fact.kind) {
        case 'dtmf-received': {
          const session = sessions.get(fact.channel.id);
          if (session) await feed(session, { kind: 'digit', digit: fact.digit });
          return;
        }
        case 'playback-finished': {
          const session = [...sessions.values()].find((s) => fact.playbackId.startsWith(s.menu.prefix));
          if (session) await feed(session, { kind: 'playback-finished', playbackId: fact.playbackId });
          return;
        }
        case 'recording-finished':
        case 'recording-failed': {
          const session = [...sessions.values()].find((s) => s.greeting === fact.name);
          if (session) await feed(session, { kind: fact.kind });
          return;
        }
        case 'channel-left': {
          const session = sessions.get(fact.channel.id);
          if (session) close(session);
          return;
        }
        default:
          return;
      }
    },
    stop(): void {
      for (const session of [...sessions.values()]) close(session);
    },
  };
}

export type MenuRunner = ReturnType<typeof createMenuRunner>;
