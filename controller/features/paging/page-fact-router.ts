import type { PbxFact } from '../../ari/pbx.facts.js';
import { pageIdOfArgs } from './page-state.js';
import type { PagingRunner } from './paging.runner.js';

/**
 * Asterisk's facts about the channels of pages, as the decider's inputs: a leg's StasisStart (appArgs
 * `page:<id>:leg`), Up, entering the page's bridge, a beep finished, leaving (busy when its hang-up had cause 17/21).
 */
export function createPageFactRouter(runner: PagingRunner) {
  const busyHangups = new Set<string>();
  return function onFact(fact: PbxFact): void {
    const owner = (channelId: string) => runner.pageOfChannel(channelId);
    switch (fact.kind) {
      case 'channel-entered': {
        const pageId = pageIdOfArgs(fact.args) ?? owner(fact.channel.id);
        if (pageId) void runner.submit(pageId, { kind: 'channel-entered', channelId: fact.channel.id });
        return;
      }
      case 'channel-state-changed': {
        const pageId = owner(fact.channel.id);
        if (pageId && fact.channel.state === 'Up')
          void runner.submit(pageId, { kind: 'channel-up', channelId: fact.channel.id });
        return;
      }
      case 'channel-entered-bridge': {
        const pageId = owner(fact.channel.id);
        if (pageId && runner.get(pageId)?.bridgeId === fact.bridge.id)
          void runner.submit(pageId, { kind: 'entered-bridge', channelId: fact.channel.id });
        return;
      }
      case 'channel-hangup-requested':
        if (owner(fact.channel.id) && (fact.cause.cause === 17 || fact.cause.cause === 21))
          busyHangups.add(fact.channel.id);
        return;
      case 'channel-left': {
        const pageId = owner(fact.channel.id);
        const busy = busyHangups.delete(fact.channel.id);
        if (pageId) void runner.submit(pageId, { kind: 'channel-left', channelId: fact.channel.id, busy });
        return;
      }
      case 'playback-finished': {
        const channelId = /^(page-.+)-beep$/.exec(fact.playbackId)?.[1];
        const pageId = channelId && owner(channelId);
        if (pageId) void runner.submit(pageId, { kind: 'playback-finished', playbackId: fact.playbackId });
        return;
      }
      default:
        return;
    }
  };
}
