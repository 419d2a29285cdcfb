import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChannelInfo, PbxFact } from '../../ari/pbx.facts.js';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import {
  allocateSlot,
  freeParkSlot,
  listParkSlots,
  occupiedParkSlots,
} from '../../db/park-slots.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { createCallDirectory, type CallDirectory } from '../calls/call-directory.js';
import type { CallsService } from '../calls/calls.service.js';
import { createParkPrompts } from './park-prompts.js';
import {
  ALL_SLOTS,
  isParkNumber,
  isSlot,
  parkIdFromArgs,
  parkIdFromPlayback,
  PARK_NUMBER,
  slotOfBridgeName,
} from './park-state.js';
import { createPhoneFlows } from './park-phone-flows.js';
import { createParkingRequests } from './parking-requests.js';
import { createParkingRunner } from './parking.runner.js';
import type { NewPark, ParkInput, ParkState } from './parking.types.js';
import { emptySlotView, slotViewOf, slotViewOfRow, type ParkSlotView } from './parking-view.js';

export interface ParkingSettings {
  timeoutSeconds: number;
  ringSeconds: number;
  fallbackExtension?: string;
}

export interface ParkingServiceDeps {
  connection: PbxConnection;
  db: Db;
  bus: EventBus;
  logger: Logger;
  calls: CallsService;
  settings: ParkingSettings;
  directory?: CallDirectory;
  now?: () => Date;
}

export const newParkId = () => randomBytes(6).toString('hex');

/** Why a park could not get a slot, as the phone hears it and the API reports it. */
export type Refusal = 'parking-full' | 'slot-occupied';

/**
 * Parking on slots 701-799: routes Asterisk's facts to parks, starts parks from phones (blind and attended transfer
 * to 700/7NN, `#72`, dialling 700) and retrievals (dialling a slot), reconciles on every (re)connect, serves the API.
 */
export function createParkingService(deps: ParkingServiceDeps) {
  const { connection, db, logger, calls, settings } = deps;
  const pbx = connection.pbx;
  const now = deps.now ?? (() => new Date());
  const directory = deps.directory ?? createCallDirectory(db);
  const prompts = createParkPrompts(pbx, logger);
  /** Parks whose slot is being taken right now (their row has no state yet: reconcile leaves it alone). */
  const starting = new Set<string>();
  const runner = createParkingRunner({
    pbx,
    db,
    bus: deps.bus,
    logger,
    now,
    calls,
    tickInput,
    promptAndHangup: prompts.promptAndHangup,
  });
  const unsubscribes: (() => void)[] = [];

  async function tickInput(park: ParkState): Promise<ParkInput> {
    const parker = park.parker ? await directory.resolveTargets(park.parker.number) : undefined;
    const fallback = settings.fallbackExtension
      ? await directory.resolveTargets(settings.fallbackExtension)
      : undefined;
    return {
      kind: 'tick',
      parkerTargets: parker?.kind === 'user' ? parker.targets : [],
      fallback: fallback?.kind === 'user' ? { person: fallback.user, targets: fallback.targets } : null,
    };
  }

  /**
   * Takes a slot (the given one, else the lowest free) and starts the park; claims its channels first so that their
   * facts queue behind it. Resolves with the refusal when no slot could be had.
   */
  async function startPark(
    request: Omit<NewPark, 'id' | 'slot' | 'ringSeconds' | 'timeoutSeconds'> & {
      slot?: string;
      timeoutSeconds?: number;
    },
  ): Promise<{ parkId: string; refused?: Refusal }> {
    const parkId = newParkId();
    const claimed = [request.channelId, ...(request.announcer ? [request.announcer.channelId] : [])];
    for (const id of claimed) runner.claim(id, parkId);
    let refused: Refusal | undefined;
    starting.add(parkId);
    await runner.submit(parkId, async () => {
      const slot = await allocateSlot(db, {
        parkId,
        channelId: request.channelId,
        slot: request.slot,
      }).finally(() => starting.delete(parkId));
      if (slot) {
        const { slot: _wanted, timeoutSeconds, ...rest } = request;
        const park: NewPark = {
          ...rest,
          id: parkId,
          slot,
          timeoutSeconds: timeoutSeconds ?? settings.timeoutSeconds,
          ringSeconds: settings.ringSeconds,
        };
        return { kind: 'park', park };
      }
      refused = request.slot ? 'slot-occupied' : 'parking-full';
      for (const id of claimed) if (runner.parkOfChannel(id) === parkId) runner.unclaim(id);
      return undefined;
    });
    return { parkId, refused };
  }

  function onTransfer(fact: Extract<PbxFact, { kind: 'transfer-requested' }>): void {
    logger.debug({ fact }, 'transfer requested');
    if (fact.state) return; // the echo of our own transfer_progress
    // A transferer a park holds already is being handled (a phone may also repeat its REFER).
    if (runner.parkOfChannel(fact.transfererChannelId)) return;
    const replaced = fact.replaces ? runner.parkOfChannel(fact.replaces.channelId) : undefined;
    if (replaced) return onAttendedTransfer(replaced, fact);
    if (!fact.replaces && fact.destination && isParkNumber(fact.destination)) {
      void guard(onBlindTransfer(fact.transfererChannelId, fact.destination));
    }
  }

  function onEntered(fact: Extract<PbxFact, { kind: 'channel-entered' }>): void {
    const own = parkIdFromArgs(fact.args) ?? runner.parkOfChannel(fact.channel.id);
    if (own) return void runner.submit(own, { kind: 'fact', fact });
    const dialled = fact.args[0] ?? '';
    if (fact.args.length !== 1 || fact.replacesChannelId || !isParkNumber(dialled)) return;
    if (dialled === PARK_NUMBER) return void guard(onSelfPark(fact.channel));
    if (isSlot(dialled)) void guard(onDialSlot(fact.channel, dialled));
  }

  function routeOf(
    fact: Exclude<PbxFact, { kind: 'channel-entered' | 'transfer-requested' }>,
  ): string | undefined {
    switch (fact.kind) {
      case 'channel-left':
      case 'channel-state-changed':
      case 'channel-hangup-requested':
      case 'channel-entered-bridge':
      case 'channel-left-bridge':
      case 'dtmf-received':
        return runner.parkOfChannel(fact.channel.id);
      case 'dial-progress':
        return runner.parkOfChannel(fact.peer.id);
      case 'playback-started':
      case 'playback-finished':
        return parkIdFromPlayback(fact.playbackId);
      case 'bridge-destroyed':
      case 'endpoint-state-changed':
      case 'device-state-changed':
        return undefined;
      default: {
        const never: never = fact;
        throw new Error(`unknown fact ${JSON.stringify(never)}`);
      }
    }
  }

  /** Channels in Stasis as last seen (the API parks any of them without listing every channel). */
  const seen = new Map<string, ChannelInfo>();
  function remember(fact: PbxFact): void {
    if (fact.kind === 'channel-entered' || fact.kind === 'channel-state-changed')
      seen.set(fact.channel.id, fact.channel);
    else if (fact.kind === 'channel-left') seen.delete(fact.channel.id);
  }

  function onFact(fact: PbxFact): void {
    remember(fact);
    if (fact.kind === 'channel-entered') return onEntered(fact);
    if (fact.kind === 'transfer-requested') return onTransfer(fact);
    if (prompts.onFact(fact)) return;
    const parkId = routeOf(fact);
    if (parkId) void runner.submit(parkId, { kind: 'fact', fact });
  }

  function guard(work: Promise<void>): Promise<void> {
    return work.catch((error: unknown) => logger.error({ err: error }, 'parking failed'));
  }

  /** After every (re)connect: resume saved parks, compare with Asterisk, free what vanished, re-set every BLF. */
  async function reconcile(): Promise<void> {
    const rows = await occupiedParkSlots(db);
    const saved: ParkState[] = [];
    for (const row of rows) {
      if (row.state) saved.push(row.state as ParkState);
      else if (row.parkId && !starting.has(row.parkId) && !runner.get(row.parkId))
        await freeParkSlot(db, row.slot, row.parkId);
    }
    runner.restore(saved);
    const [channels, bridges] = await Promise.all([pbx.listChannels(), pbx.listBridges()]);
    if (!channels.ok || !bridges.ok)
      return logger.warn('could not list channels and bridges to reconcile parks');
    seen.clear();
    for (const channel of channels.value) seen.set(channel.id, channel);
    const channelIds = channels.value.map((channel) => channel.id);
    await Promise.all(
      runner
        .all()
        .map((park) => runner.submit(park.id, { kind: 'reconcile', channelIds, bridges: bridges.value })),
    );
    const known = new Set(runner.all().map((park) => park.bridgeId));
    const byId = new Map(channels.value.map((channel) => [channel.id, channel]));
    for (const bridge of bridges.value) {
      const slot = slotOfBridgeName(bridge.name);
      if (!slot || known.has(bridge.id)) continue;
      const held = bridge.channelIds.map((id) => byId.get(id)).find((channel) => channel !== undefined);
      if (held) await adoptOrphan(slot, bridge.id, held);
      else await pbx.destroyBridge(bridge.id);
    }
    const occupied = new Set(runner.all().map((park) => park.slot));
    await Promise.all(
      ALL_SLOTS.map((slot) =>
        pbx.setDeviceState(`Stasis:park-${slot}`, occupied.has(slot) ? 'INUSE' : 'NOT_INUSE'),
      ),
    );
  }

  /** A `park-7NN` bridge with a channel that no saved park knows (its state was lost): the slot is taken again. */
  async function adoptOrphan(slot: string, bridgeId: string, channel: ChannelInfo): Promise<void> {
    const parkId = newParkId();
    if (!(await allocateSlot(db, { parkId, channelId: channel.id, slot }))) {
      return logger.warn(
        { slot, bridgeId, channelId: channel.id },
        'a park bridge on a slot another park holds: left alone',
      );
    }
    runner.claim(channel.id, parkId);
    const park: NewPark = {
      id: parkId,
      slot,
      channelId: channel.id,
      channelUp: true,
      caller: { number: channel.caller.number, name: channel.caller.name, userId: null },
      parker: null,
      via: 'adopted',
      timeoutSeconds: settings.timeoutSeconds,
      ringSeconds: settings.ringSeconds,
      announcer: null,
      fromCall: null,
    };
    await runner.submit(parkId, { kind: 'adopt', park, bridgeId });
  }

  function requireAsterisk(): void {
    if (connection.state() !== 'connected')
      throw new AppError('asterisk-unreachable', 'Asterisk is not reachable');
  }

  const flows = createPhoneFlows({ calls, runner, directory, prompts, startPark, logger, pbx });
  const { onBlindTransfer, onParkCode, onSelfPark, onDialSlot, onAttendedTransfer } = flows;

  const requests = createParkingRequests({
    calls,
    runner,
    directory,
    connection,
    startPark,
    requireAsterisk,
    channel: (id) => seen.get(id),
  });

  return {
    start(): void {
      unsubscribes.push(connection.onFact(onFact), connection.onConnected(reconcile));
      calls.onParkCode((request) => void guard(onParkCode(request)));
      if (connection.state() === 'connected')
        void reconcile().catch((error: unknown) => logger.error({ err: error }, 'park reconcile failed'));
    },
    async stop(): Promise<void> {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      runner.stop();
      await runner.idle();
    },
    /** All 99 slots: occupied ones from the live parks (else from their rows), free ones empty. */
    async slots(): Promise<ParkSlotView[]> {
      const rows = await listParkSlots(db);
      return rows.map((row) => {
        const park = row.parkId ? runner.get(row.parkId) : undefined;
        return park ? slotViewOf(park) : row.parkId ? slotViewOfRow(row) : emptySlotView(row.slot);
      });
    },
    park: (principal: Principal, body: ParkRequest) => requests.park(principal, body),
    retrieve: (principal: Principal, body: RetrieveRequest) => requests.retrieve(principal, body),
    reconcile,
    idle: () => runner.idle(),
  };
}

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

export type StartPark = (
  request: Omit<NewPark, 'id' | 'slot' | 'ringSeconds' | 'timeoutSeconds'> & {
    slot?: string;
    timeoutSeconds?: number;
  },
) => Promise<{ parkId: string; refused?: Refusal }>;

export type ParkingService = ReturnType<typeof createParkingService>;
