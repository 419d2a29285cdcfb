import type { ChannelInfo } from '../../ari/pbx.facts.js';
import type { PbxConnection } from '../../ari/pbx.port.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import type { CallDirectory } from '../calls/call-directory.js';
import type { Person } from '../calls/call.types.js';
import type { CallParties, CallSide, CallsService } from '../calls/calls.service.js';
import type { ParkingRunner } from './parking.runner.js';
import type { StartPark } from './parking-allocation.js';
import { slotViewOf, type ParkSlotView } from './parking-view.js';
import type { NewPark } from './parking.types.js';

export interface ParkRequest {
  callId?: string;
  channelId?: string;
  slot?: string;
  timeoutSeconds?: number;
}

export interface RetrieveRequest {
  slot: string;
  extension: string;
}

/** How long `POST /api/parking/park` waits for Asterisk to confirm the channel entered the slot's bridge. */
const CONFIRM_MS = 5000;

export interface ParkingRequestsDeps {
  calls: CallsService;
  runner: ParkingRunner;
  directory: CallDirectory;
  connection: PbxConnection;
  startPark: StartPark;
  requireAsterisk(): void;
  /** A channel in Stasis as last seen in the facts, if it was. */
  channel(channelId: string): ChannelInfo | undefined;
}

export interface RetrieveAccepted {
  slot: string;
  extension: string;
  state: 'ringing';
}

const personOf = (principal: Principal): Person => ({
  number: principal.extension,
  name: principal.username,
  userId: principal.userId,
});

/** The API's park and retrieve: which party is parked, the slot taken, and waiting for Asterisk's confirmation. */
export function createParkingRequests(deps: ParkingRequestsDeps) {
  const { calls, runner, directory } = deps;

  /**
   * `callId`: the party other than the requesting user is parked (the requester is in the call), else the caller
   * side; the other side is hung up. `channelId`: that channel (any channel in Stasis for admins and supervisors).
   */
  async function chooseParkee(
    principal: Principal,
    body: ParkRequest,
  ): Promise<Omit<NewPark, 'id' | 'slot' | 'ringSeconds' | 'timeoutSeconds'>> {
    if (body.callId) {
      calls.get(body.callId, principal);
      const parties = calls.partiesOfCall(body.callId);
      if (!parties) throw new AppError('call-not-parkable', `call ${body.callId} is not answered`);
      const mine = [parties.a, parties.b].find((side) => side.person.userId === principal.userId);
      const parkee = mine ? other(parties, mine) : parties.a;
      return fromCall(parties, parkee);
    }
    const channelId = body.channelId!;
    if (runner.parkOfChannel(channelId))
      throw new AppError('already-parked', `channel ${channelId} is parked already`);
    const parties = calls.partiesOf(channelId);
    if (parties) {
      calls.get(parties.callId, principal);
      return fromCall(parties, channelId === parties.a.channelId ? parties.a : parties.b);
    }
    if (principal.role === 'agent') throw new AppError('no-such-channel', `channel ${channelId} not found`);
    const channel = deps.channel(channelId) ?? (await listedChannel(channelId));
    if (!channel) throw new AppError('no-such-channel', `channel ${channelId} not found`);
    return {
      channelId,
      channelUp: channel.state === 'Up',
      caller: { number: channel.caller.number, name: channel.caller.name, userId: null },
      parker: personOf(principal),
      via: 'api',
      announcer: null,
      fromCall: null,
    };
  }

  async function listedChannel(channelId: string): Promise<ChannelInfo | undefined> {
    const listed = await deps.connection.pbx.listChannels();
    return listed.ok ? listed.value.find((c) => c.id === channelId) : undefined;
  }

  const other = (parties: CallParties, side: CallSide) =>
    side.channelId === parties.a.channelId ? parties.b : parties.a;

  function fromCall(
    parties: CallParties,
    parkee: CallSide,
  ): Omit<NewPark, 'id' | 'slot' | 'ringSeconds' | 'timeoutSeconds'> {
    return {
      channelId: parkee.channelId,
      channelUp: true,
      caller: parkee.person,
      // Whoever was talking to the parked caller gets the recall.
      parker: other(parties, parkee).person,
      via: 'api',
      announcer: null,
      fromCall: { callId: parties.callId, bridgeId: parties.bridgeId, releaseChannelIds: [parkee.channelId] },
    };
  }

  async function park(principal: Principal, body: ParkRequest): Promise<ParkSlotView> {
    deps.requireAsterisk();
    const request = await chooseParkee(principal, body);
    const { parkId, refused } = await deps.startPark({
      ...request,
      slot: body.slot,
      timeoutSeconds: body.timeoutSeconds,
    });
    if (refused === 'parking-full') throw new AppError('parking-full', 'every park slot is taken');
    if (refused === 'slot-occupied') throw new AppError('slot-occupied', `slot ${body.slot} is taken`);
    const parked = await runner.watch(parkId, (p) => p.inBridge || p.stage === 'done', CONFIRM_MS);
    if (!parked || !parked.inBridge || parked.stage === 'done') {
      throw new AppError('park-failed', 'Asterisk did not confirm the park (the call may have ended)');
    }
    return slotViewOf(parked);
  }

  async function retrieve(principal: Principal, body: RetrieveRequest): Promise<RetrieveAccepted> {
    if (principal.role !== 'admin' && body.extension !== principal.extension) {
      throw new AppError('forbidden', 'you may only pick parked calls up to your own extension');
    }
    deps.requireAsterisk();
    const park = runner.bySlot(body.slot);
    if (!park || park.stage !== 'parked' || !park.inBridge)
      throw new AppError('slot-empty', `nothing is parked on ${body.slot}`);
    const destination = await directory.resolveTargets(body.extension);
    if (destination.kind !== 'user')
      throw new AppError('no-such-extension', `no user has extension ${body.extension}`);
    if (park.ring) throw new AppError('slot-busy', `the call on ${body.slot} is already being picked up`);
    const after = await runner.submit(park.id, {
      kind: 'retrieve-to',
      to: destination.user,
      targets: destination.targets,
    });
    if (after?.ring?.purpose !== 'retrieve') {
      if (after && after.stage !== 'parked')
        throw new AppError('slot-empty', `nothing is parked on ${body.slot}`);
      throw new AppError('extension-unavailable', `none of the devices of ${body.extension} can be rung`);
    }
    return { slot: body.slot, extension: body.extension, state: 'ringing' };
  }

  return { park, retrieve };
}
