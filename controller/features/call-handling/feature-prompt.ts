import { randomBytes } from 'node:crypto';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import { heardToTheEnd } from '../calls/playout.js';

/**
 * A feature code's answer: answer the phone, play the confirmation (or refusal) with stock sounds, hang up once it has
 * been heard (PlaybackFinished, or after `limitMs` should that never come).
 */
export function createFeaturePrompts(pbx: Pbx, limitMs = 20_000) {
  const prompts = new Map<string, { channelId: string; timer: NodeJS.Timeout }>();

  function finish(playbackId: string): void {
    const prompt = prompts.get(playbackId);
    if (!prompt) return;
    prompts.delete(playbackId);
    clearTimeout(prompt.timer);
    void pbx.hangup(prompt.channelId, 'normal');
  }

  return {
    async play(channelId: string, media: string[]): Promise<void> {
      if (!(await pbx.answer(channelId)).ok) return;
      const playbackId = `handling-prompt-${randomBytes(6).toString('hex')}`;
      const timer = setTimeout(() => finish(playbackId), limitMs);
      timer.unref();
      prompts.set(playbackId, { channelId, timer });
      if (!(await pbx.play({ playbackId, target: { channelId }, media: heardToTheEnd(media) })).ok)
        finish(playbackId);
    },
    onFact(fact: PbxFact): void {
      if (fact.kind === 'playback-finished' && prompts.has(fact.playbackId)) finish(fact.playbackId);
    },
    stop(): void {
      for (const prompt of prompts.values()) clearTimeout(prompt.timer);
      prompts.clear();
    },
  };
}

/** Stock sounds (asterisk-core-sounds-en 1.6.1) each answer plays. */
export const PROMPTS = {
  dndOn: ['sound:do-not-disturb', 'sound:activated'],
  dndOff: ['sound:do-not-disturb', 'sound:de-activated'],
  forwardOn: (to: string) => ['sound:call-fwd-unconditional', 'sound:is-set-to', ...digits(to)],
  forwardOff: ['sound:call-fwd-unconditional', 'sound:de-activated'],
  /** A forward to a number nobody has (or an outside number: no trunk yet). */
  forwardRefused: ['sound:pbx-invalid'],
  /** A phone that is no user's (a lobby phone) has no DND or forwarding to change. */
  notForThisPhone: ['sound:feature-not-avail-line'],
  noSuchSpeedDial: ['sound:pbx-invalid'],
  pickupRefused: ['sound:im-sorry', 'sound:feature-not-avail-line'],
  nothingToPickUp: ['sound:vm-nobodyavail'],
};

export const digits = (number: string) =>
  [...number].filter((c) => /\d/.test(c)).map((d) => `sound:digits/${d}`);
