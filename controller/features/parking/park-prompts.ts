import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import { heardToTheEnd } from '../calls/playout.js';

/** `parkprompt-<id>`: never mistaken for a park's own playbacks (`park-<parkId>-…`). */
const newPlaybackId = () => `parkprompt-${randomBytes(6).toString('hex')}`;

/**
 * Prompts outside any park: a refused park tells the parker why (`pbx-parkingfailed`, `pbx-invalid`) and the call
 * goes on; a phone that dialled an empty slot hears `pbx-invalidpark` and is hung up when the prompt ends.
 */
export function createParkPrompts(pbx: Pbx, logger: Logger) {
  const hangAfter = new Map<string, string>();

  async function play(channelId: string, media: string[], thenHangUp: boolean): Promise<void> {
    const playbackId = newPlaybackId();
    if (thenHangUp) hangAfter.set(playbackId, channelId);
    const played = await pbx.play({ playbackId, target: { channelId }, media });
    if (played.ok) return;
    hangAfter.delete(playbackId);
    logger.debug({ channelId, reason: played.reason }, 'park prompt could not play');
    if (thenHangUp) await pbx.hangup(channelId, 'normal');
  }

  return {
    /** Plays to a channel that stays where it is (a refused park: the call goes on). */
    tell: (channelId: string, media: string[]) => play(channelId, media, false),
    /** Answers (if needed), plays, then hangs up. */
    async promptAndHangup(channelId: string, media: string[]): Promise<void> {
      await pbx.answer(channelId);
      await play(channelId, heardToTheEnd(media), true);
    },
    /** Our prompts' playbacks ending: hang up where asked. True when the fact was one of ours. */
    onFact(fact: PbxFact): boolean {
      if (fact.kind !== 'playback-finished' || !fact.playbackId.startsWith('parkprompt-')) return false;
      const channelId = hangAfter.get(fact.playbackId);
      hangAfter.delete(fact.playbackId);
      if (channelId) void pbx.hangup(channelId, 'normal');
      return true;
    },
  };
}
