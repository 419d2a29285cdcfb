import type { Logger } from 'pino';
import { channelIdOf, type ChannelInfo, type PbxFact } from '../../ari/pbx.facts.js';
import type { createPhoneFlows } from './park-phone-flows.js';
import type { createParkPrompts } from './park-prompts.js';
import { isParkNumber, isSlot, parkIdFromArgs, parkIdFromPlayback, PARK_NUMBER } from './park-state.js';
import type { ParkingRunner } from './parking.runner.js';

export interface ParkFactRouterDeps {
  runner: ParkingRunner;
  prompts: ReturnType<typeof createParkPrompts>;
  flows: ReturnType<typeof createPhoneFlows>;
  logger: Logger;
  /** Runs a phone flow in the background, logging its failure. */
  guard(work: Promise<void>): Promise<void>;
}

/** Channels in Stasis as last seen (the API parks any of them without listing every channel). */
export function createSeenChannels() {
  const seen = new Map<string, ChannelInfo>();
  return {
    remember(fact: PbxFact): void {
      if (fact.kind === 'channel-entered' || fact.kind === 'channel-state-changed')
        seen.set(fact.channel.id, fact.channel);
      else if (fact.kind === 'channel-left') seen.delete(fact.channel.id);
    },
    /** After listing Asterisk's channels: exactly those. */
    replace(channels: ChannelInfo[]): void {
      seen.clear();
      for (const channel of channels) seen.set(channel.id, channel);
    },
    get: (channelId: string) => seen.get(channelId),
  };
}

export type SeenChannels = ReturnType<typeof createSeenChannels>;

/**
 * Routes Asterisk's facts: to the park whose channel, playback or appArgs they name, to the phone flows that start
 * parks and pick-ups (transfers to 700/7NN, dialling 700 or a slot), to the prompts played outside any park.
 */
export function createParkFactRouter(deps: ParkFactRouterDeps) {
  const { runner, prompts, flows, guard, logger } = deps;
  const seen = createSeenChannels();

  function onTransfer(fact: Extract<PbxFact, { kind: 'transfer-requested' }>): void {
    logger.debug({ fact }, 'transfer requested');
    if (fact.state) return; // the echo of our own transfer_progress
    // A transferer a park holds already is being handled (a phone may also repeat its REFER).
    if (runner.parkOfChannel(fact.transfererChannelId)) return;
    const replaced = fact.replaces ? runner.parkOfChannel(fact.replaces.channelId) : undefined;
    if (replaced) return flows.onAttendedTransfer(replaced, fact);
    if (!fact.replaces && fact.destination && isParkNumber(fact.destination)) {
      void guard(flows.onBlindTransfer(fact.transfererChannelId, fact.destination));
    }
  }

  function onEntered(fact: Extract<PbxFact, { kind: 'channel-entered' }>): void {
    const own = parkIdFromArgs(fact.args) ?? runner.parkOfChannel(fact.channel.id);
    if (own) return void runner.submit(own, { kind: 'fact', fact });
    const dialled = fact.args[0] ?? '';
    if (fact.args.length !== 1 || fact.replacesChannelId || !isParkNumber(dialled)) return;
    if (dialled === PARK_NUMBER) return void guard(flows.onSelfPark(fact.channel));
    if (isSlot(dialled)) void guard(flows.onDialSlot(fact.channel, dialled));
  }

  function routeOf(fact: PbxFact): string | undefined {
    if (fact.kind === 'playback-started' || fact.kind === 'playback-finished') {
      return parkIdFromPlayback(fact.playbackId);
    }
    const channelId = channelIdOf(fact);
    return channelId ? runner.parkOfChannel(channelId) : undefined;
  }

  function onFact(fact: PbxFact): void {
    seen.remember(fact);
    if (fact.kind === 'channel-entered') return onEntered(fact);
    if (fact.kind === 'transfer-requested') return onTransfer(fact);
    if (prompts.onFact(fact)) return;
    const parkId = routeOf(fact);
    if (parkId) void runner.submit(parkId, { kind: 'fact', fact });
  }

  return { onFact, seen };
}
