import { isTrunkEndpoint } from '../trunks/trunk-names.js';
import type { Logger } from 'pino';
import { channelIdOf, type ChannelInfo, type PbxFact } from '../../ari/pbx.facts.js';
import type { createPhoneFlows } from './park-phone-flows.js';
import type { createParkPrompts } from './park-prompts.js';
import type { DialledCall } from '../calls/dial-router.js';
import { isParkNumber, parkIdFromArgs, parkIdFromPlayback, PARK_NUMBER } from './park-state.js';
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
    // An outside caller (a trunk's channel) transfers nobody anywhere: the trunk fence.
    const transferer = seen.get(fact.transfererChannelId);
    if (transferer && isTrunkEndpoint(transferer.name))
      return void guard(flows.declineTransfer(fact.transfererChannelId));
    const replaced = fact.replaces ? runner.parkOfChannel(fact.replaces.channelId) : undefined;
    if (replaced) return flows.onAttendedTransfer(replaced, fact);
    if (!fact.replaces && fact.destination && isParkNumber(fact.destination)) {
      return void guard(flows.onBlindTransfer(fact.transfererChannelId, fact.destination));
    }
    // Transfers elsewhere (an extension, an outside number, an attended transfer between two calls): the calls feature.
    void guard(flows.transferElsewhere(fact));
  }

  /** A leg of a park (a recall or an API retrieval). Dialled 700 and 7NN come through the numbering plan (`onDialled`). */
  function onEntered(fact: Extract<PbxFact, { kind: 'channel-entered' }>): void {
    const own = parkIdFromArgs(fact.args) ?? runner.parkOfChannel(fact.channel.id);
    if (own) void runner.submit(own, { kind: 'fact', fact });
  }

  /** The numbering plan's `park` (700) and `park-slot` (701-799) routes: park oneself, or pick up from the slot. */
  function onDialled(call: DialledCall): void {
    if (call.dialled === PARK_NUMBER) void guard(flows.onSelfPark(call.channel));
    else void guard(flows.onDialSlot(call.channel, call.dialled));
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

  return { onFact, onDialled, seen };
}
