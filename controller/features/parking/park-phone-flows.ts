import type { Logger } from 'pino';
import type { ChannelInfo, PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import { endpointResourceOf, type CallDirectory } from '../calls/call-directory.js';
import type { ParkCodeRequest } from '../calls/call-runner.js';
import type { CallParties, CallSide, CallsService } from '../calls/calls.service.js';
import type { createParkPrompts } from './park-prompts.js';
import { PARK_NUMBER } from './park-state.js';
import type { ParkingRunner } from './parking.runner.js';
import type { Refusal, StartPark } from './parking-allocation.js';

export interface PhoneFlowsDeps {
  calls: CallsService;
  runner: ParkingRunner;
  directory: CallDirectory;
  prompts: ReturnType<typeof createParkPrompts>;
  startPark: StartPark;
  logger: Logger;
  pbx: Pbx;
}

const refusalPrompt: Record<Refusal, string[]> = {
  'parking-full': ['sound:pbx-parkingfailed'],
  'slot-occupied': ['sound:pbx-invalid'],
};

/**
 * How desk phones park and pick up: a blind transfer (REFER) to 700 or a slot, `#72` in a call, dialling 700 (the
 * consultation leg of an attended transfer, whose REFER with Replaces then puts the transferee in its place), and
 * dialling a slot.
 */
export function createPhoneFlows(deps: PhoneFlowsDeps) {
  const { calls, runner, directory, prompts, startPark, logger, pbx } = deps;

  const slotOf = (number: string) => (number === PARK_NUMBER ? undefined : number);
  const releaseFrom = (parties: CallParties, channelIds: string[]) => ({
    callId: parties.callId,
    bridgeId: parties.bridgeId,
    releaseChannelIds: channelIds,
  });
  const otherSide = (parties: CallParties, side: CallSide) =>
    side.channelId === parties.a.channelId ? parties.b : parties.a;
  const sideOf = (parties: CallParties, channelId: string) =>
    [parties.a, parties.b].find((side) => side.channelId === channelId);

  /** A blind transfer (REFER) to 700 or a slot: the transferer hears the slot, the transferee is parked. */
  async function onBlindTransfer(transfererId: string, destination: string): Promise<void> {
    const parties = calls.partiesOf(transfererId);
    const transferer = parties && sideOf(parties, transfererId);
    if (!parties || !transferer)
      return logger.warn({ transfererId, destination }, 'transfer to park from a channel in no call');
    const parkee = otherSide(parties, transferer);
    const { refused } = await startPark({
      channelId: parkee.channelId,
      channelUp: true,
      caller: parkee.person,
      parker: transferer.person,
      via: 'blind-transfer',
      announcer: { channelId: transferer.channelId, mode: 'transfer' },
      fromCall: releaseFrom(parties, [transferer.channelId, parkee.channelId]),
      slot: slotOf(destination),
    });
    if (refused) await refuseTransfer(transferer.channelId, refused);
  }

  /**
   * A refused blind transfer: the call goes on; the transferer hears why, then its phone gets the final NOTIFY
   * (`channel_declined`: 603 Decline, Subscription-State terminated) while its channel is up in the call, so the
   * control frame reaches it (sent later, when Asterisk tears the REFER subscription down with the channel, it
   * becomes 503 or a "0" sipfrag). A phone that hangs up on that NOTIFY (baresip does) is rung back by the other party.
   */
  async function refuseTransfer(transfererId: string, refused: Refusal): Promise<void> {
    await prompts.tellThen(transfererId, refusalPrompt[refused], async () => {
      await calls.transferRefused(transfererId);
      const told = await pbx.transferProgress(transfererId, 'channel_declined');
      if (!told.ok)
        logger.debug({ transfererId, reason: told.reason }, 'refused transfer: the transferer is gone');
    });
  }

  /** `#72` in a call: the other party is parked, the parker hears the slot and is hung up. */
  async function onParkCode(request: ParkCodeRequest): Promise<void> {
    const parties = calls.partiesOfCall(request.callId);
    const parker = parties && sideOf(parties, request.parkerChannelId);
    const parkee = parties && sideOf(parties, request.parkeeChannelId);
    if (!parties || !parker || !parkee) return;
    const { refused } = await startPark({
      channelId: parkee.channelId,
      channelUp: true,
      caller: parkee.person,
      parker: parker.person,
      via: 'code',
      announcer: { channelId: parker.channelId, mode: 'code' },
      fromCall: releaseFrom(parties, [parker.channelId, parkee.channelId]),
    });
    if (refused) await prompts.tell(parker.channelId, refusalPrompt[refused]);
  }

  /** A phone dialled 700: it is parked itself after hearing the slot (an attended transfer then puts its peer there). */
  async function onSelfPark(channel: ChannelInfo): Promise<void> {
    const me = await directory.identifyCaller(channel);
    const { refused } = await startPark({
      channelId: channel.id,
      channelUp: channel.state === 'Up',
      caller: me,
      parker: me,
      via: 'self',
      announcer: { channelId: channel.id, mode: 'self' },
      fromCall: null,
    });
    if (refused) await prompts.promptAndHangup(channel.id, refusalPrompt[refused]);
  }

  /** A phone dialled a slot: it picks the parked call up, or hears that nothing is parked there. */
  async function onDialSlot(channel: ChannelInfo, slot: string): Promise<void> {
    const park = runner.bySlot(slot);
    if (!park) return prompts.promptAndHangup(channel.id, ['sound:pbx-invalidpark']);
    const by = await directory.identifyCaller(channel);
    await runner.submit(park.id, {
      kind: 'retrieve-by-dial',
      channelId: channel.id,
      endpoint: dialledEndpointOf(channel.name),
      by,
    });
  }

  /** Attended transfer: the REFER replaces a parked consultation leg; its transferee takes the slot. */
  function onAttendedTransfer(parkId: string, fact: Extract<PbxFact, { kind: 'transfer-requested' }>): void {
    const transfereeId = fact.transfereeChannelId;
    const parties = transfereeId ? calls.partiesOf(transfereeId) : undefined;
    const transferee = parties && transfereeId ? sideOf(parties, transfereeId) : undefined;
    if (!transfereeId || !parties || !transferee) {
      logger.warn({ parkId, transfereeId }, 'attended transfer to a park without a known transferee');
      return void pbx.transferProgress(fact.transfererChannelId, 'channel_declined');
    }
    runner.claim(transfereeId, parkId);
    runner.claim(fact.transfererChannelId, parkId);
    void runner.submit(parkId, {
      kind: 'replace',
      channelId: transfereeId,
      caller: transferee.person,
      transfererChannelId: fact.transfererChannelId,
      fromCall: releaseFrom(parties, [fact.transfererChannelId, transfereeId]),
    });
  }

  /** A transfer nobody carries out: the phone gets its final NOTIFY (603) now; the call goes on (or rings back). */
  async function declineTransfer(transfererId: string): Promise<void> {
    await calls.transferRefused(transfererId);
    await pbx.transferProgress(transfererId, 'channel_declined');
  }

  /** Any other transfer (to an extension, an outside number; attended between two calls): the calls feature's. */
  const transferElsewhere = (fact: Extract<PbxFact, { kind: 'transfer-requested' }>) => calls.transfer(fact);

  return {
    onBlindTransfer,
    onParkCode,
    onSelfPark,
    onDialSlot,
    onAttendedTransfer,
    declineTransfer,
    transferElsewhere,
  };
}

/** `PJSIP/1001-web-0000001a` → `PJSIP/1001-web` (the endpoint, as calls name their legs' devices). */
function dialledEndpointOf(channelName: string): string {
  const resource = endpointResourceOf(channelName);
  return resource ? `PJSIP/${resource}` : channelName;
}
