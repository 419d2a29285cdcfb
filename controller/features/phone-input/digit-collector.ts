import { randomBytes } from 'node:crypto';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import {
  defaultEntryRules,
  startEntry,
  stepEntry,
  type DigitEntry,
  type DigitEntryRules,
  type EntryInput,
} from './digit-entry.js';

/** How an entry ended: digits typed, nothing typed, or the caller hung up. */
export type EntryResult = { kind: 'entered'; digits: string } | { kind: 'empty' } | { kind: 'gone' };

interface Pending {
  channelId: string;
  playbackId: string;
  entry: DigitEntry;
  timer?: NodeJS.Timeout;
  resolve(result: EntryResult): void;
}

interface Playing {
  channelId: string;
  resolve(ok: boolean): void;
  timer: NodeJS.Timeout;
}

/**
 * The thin shell around `digit-entry.ts`: plays a prompt on an answered channel and collects what the caller types,
 * fed by the facts of that channel (`onFact`: DTMF digits, the prompt's PlaybackFinished, the channel leaving).
 * One entry per channel at a time; also plays a closing prompt to its end (`play`). Nothing here survives a
 * restart: a caller in the middle of an entry then is hung up by whoever reconciles the channel.
 */
export function createDigitCollector(deps: {
  pbx: Pbx;
  rules?: Partial<DigitEntryRules>;
  now?: () => number;
  /** A closing prompt whose PlaybackFinished never comes counts as played after this long. Default 30 s. */
  playLimitMs?: number;
}) {
  const rules: DigitEntryRules = { ...defaultEntryRules, ...deps.rules };
  const now = deps.now ?? Date.now;
  const entries = new Map<string, Pending>();
  const plays = new Map<string, Playing>();
  const newId = (kind: string) => `${kind}-${randomBytes(6).toString('hex')}`;

  function finish(pending: Pending, result: EntryResult): void {
    clearTimeout(pending.timer);
    entries.delete(pending.channelId);
    if (pending.entry.prompting) void deps.pbx.stopPlayback(pending.playbackId);
    pending.resolve(result);
  }

  function feed(pending: Pending, input: EntryInput): void {
    const step = stepEntry(pending.entry, input, rules);
    switch (step.kind) {
      case 'entered':
        return finish(pending, step);
      case 'empty':
        return finish(pending, step);
      case 'collecting': {
        if (step.stopPrompt) void deps.pbx.stopPlayback(pending.playbackId);
        pending.entry = step.stopPrompt ? { ...step.entry, prompting: false } : step.entry;
        clearTimeout(pending.timer);
        const deadline = pending.entry.deadline;
        if (deadline !== null) {
          pending.timer = setTimeout(() => feed(pending, { kind: 'tick', at: now() }), deadline - now());
          pending.timer.unref();
        }
        return;
      }
      default: {
        const never: never = step;
        throw new Error(`unknown entry step ${JSON.stringify(never)}`);
      }
    }
  }

  return {
    /** Plays `media` to the (answered) channel and resolves with what the caller typed. */
    collect(channelId: string, media: string[]): Promise<EntryResult> {
      entries.get(channelId)?.resolve({ kind: 'gone' });
      const playbackId = newId('entry');
      return new Promise<EntryResult>((resolve) => {
        const pending: Pending = { channelId, playbackId, entry: startEntry(), resolve };
        entries.set(channelId, pending);
        void deps.pbx.play({ playbackId, target: { channelId }, media }).then((played) => {
          if (!played.ok && entries.get(channelId) === pending)
            finish(pending, played.reason === 'gone' ? { kind: 'gone' } : { kind: 'empty' });
        });
      });
    },
    /** Plays `media` to its end; false when the channel went first. */
    play(channelId: string, media: string[]): Promise<boolean> {
      const playbackId = newId('say');
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(playbackId, true), deps.playLimitMs ?? 30_000);
        timer.unref();
        plays.set(playbackId, { channelId, resolve, timer });
        void deps.pbx.play({ playbackId, target: { channelId }, media }).then((played) => {
          if (!played.ok) done(playbackId, false);
        });
      });
    },
    onFact(fact: PbxFact): void {
      switch (fact.kind) {
        case 'dtmf-received': {
          const pending = entries.get(fact.channel.id);
          if (pending) feed(pending, { kind: 'digit', digit: fact.digit, at: now() });
          return;
        }
        case 'playback-finished': {
          if (plays.has(fact.playbackId)) return done(fact.playbackId, fact.state === 'done');
          const pending = [...entries.values()].find((p) => p.playbackId === fact.playbackId);
          if (pending) feed(pending, { kind: 'prompt-finished', at: now() });
          return;
        }
        case 'channel-left':
        case 'channel-hangup-requested': {
          const pending = entries.get(fact.channel.id);
          if (pending) finish(pending, { kind: 'gone' });
          for (const [id, play] of plays) if (play.channelId === fact.channel.id) done(id, false);
          return;
        }
        default:
          return;
      }
    },
    stop(): void {
      for (const pending of [...entries.values()]) finish(pending, { kind: 'gone' });
      for (const id of [...plays.keys()]) done(id, false);
    },
  };

  function done(playbackId: string, ok: boolean): void {
    const play = plays.get(playbackId);
    if (!play) return;
    plays.delete(playbackId);
    clearTimeout(play.timer);
    play.resolve(ok);
  }
}

export type DigitCollector = ReturnType<typeof createDigitCollector>;
