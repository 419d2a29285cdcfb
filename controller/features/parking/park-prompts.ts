import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import { heardToTheEnd } from '../calls/playout.js';

/** `parkprompt-<id>`: never mistaken for a park's own playbacks (`park-<parkId>-…`). */
const newPlaybackId = () => `parkprompt-${randomBytes(6).toString('hex')}`;

/** A prompt whose PlaybackFinished never comes counts as finished after this long. */
const PROMPT_LIMIT_MS = 15_000;

/**
 * Prompts outside any park: a refused park tells the parker why (`pbx-parkingfailed`, `pbx-invalid`) and the call
 * goes on; a phone that dialled an empty slot hears `pbx-invalidpark` and is hung up when the prompt ends.
 */
export function createParkPrompts(pbx: Pbx, logger: Logger) {
  /** What to do when a prompt ends (its PlaybackFinished, its failure, or its safety timeout), by playback id. */
  const after = new Map<string, { then: () => Promise<void>; timer: NodeJS.Timeout }>();

  function finish(playbackId: string): void {
    const entry = after.get(playbackId);
    if (!entry) return;
    after.delete(playbackId);
    clearTimeout(entry.timer);
    void entry.then().catch((error: unknown) => logger.error({ err: error }, 'after a park prompt'));
  }

  async function play(channelId: string, media: string[], then?: () => Promise<void>): Promise<void> {
    const playbackId = newPlaybackId();
    if (then) {
      const timer = setTimeout(() => finish(playbackId), PROMPT_LIMIT_MS);
      timer.unref();
      after.set(playbackId, { then, timer });
    }
    const played = await pbx.play({ playbackId, target: { channelId }, media });
    if (played.ok) return;
    logger.debug({ channelId, reason: played.reason }, 'park prompt could not play');
    finish(playbackId);
  }

  return {
    /** Plays to a channel that stays where it is (a refused `#72`: the call goes on). */
    tell: (channelId: string, media: string[]) => play(channelId, media),
    /** Plays to the end (then a second of silence, as it is followed by something the phone may hang up on), then `then`. */
    tellThen: (channelId: string, media: string[], then: () => Promise<void>) =>
      play(channelId, heardToTheEnd(media), then),
    /** Answers (if needed), plays, then hangs up. */
    async promptAndHangup(channelId: string, media: string[]): Promise<void> {
      await pbx.answer(channelId);
      await play(channelId, heardToTheEnd(media), async () => void (await pbx.hangup(channelId, 'normal')));
    },
    /** Our prompts' playbacks ending. True when the fact was one of ours. */
    onFact(fact: PbxFact): boolean {
      if (fact.kind !== 'playback-finished' || !fact.playbackId.startsWith('parkprompt-')) return false;
      finish(fact.playbackId);
      return true;
    },
    stop(): void {
      for (const entry of after.values()) clearTimeout(entry.timer);
      after.clear();
    },
  };
}
