import type { Logger } from 'pino';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import { listParkSlots } from '../../db/park-slots.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { createCallDirectory, type CallDirectory } from '../calls/call-directory.js';
import type { CallsService } from '../calls/calls.service.js';
import { createParkPrompts } from './park-prompts.js';
import { createPhoneFlows } from './park-phone-flows.js';
import { createParkAllocation } from './parking-allocation.js';
import { createParkFactRouter } from './parking-fact-router.js';
import { createParkReconcile } from './parking-reconcile.js';
import { createParkingRequests, type ParkRequest, type RetrieveRequest } from './parking-requests.js';

export type { ParkRequest, RetrieveRequest };
import { createParkingRunner } from './parking.runner.js';
import type { ParkInput, ParkState } from './parking.types.js';
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

/**
 * Parking on slots 701-799, wired together: Asterisk's facts routed to parks and to the phone flows (blind and
 * attended transfer to 700/7NN, `#72`, dialling 700 or a slot), a reconcile on every (re)connect, the API.
 */
export function createParkingService(deps: ParkingServiceDeps) {
  const { connection, db, logger, calls, settings } = deps;
  const pbx = connection.pbx;
  const now = deps.now ?? (() => new Date());
  const directory = deps.directory ?? createCallDirectory(db);
  const prompts = createParkPrompts(pbx, logger);
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
  const allocation = createParkAllocation({ db, runner, logger, settings });
  const { startPark } = allocation;
  const flows = createPhoneFlows({ calls, runner, directory, prompts, startPark, logger, pbx });
  const router = createParkFactRouter({ runner, prompts, flows, guard, logger });
  const reconcile = createParkReconcile({ pbx, db, logger, runner, allocation, seen: router.seen });
  const requests = createParkingRequests({
    calls,
    runner,
    directory,
    connection,
    startPark,
    requireAsterisk,
    channel: (id) => router.seen.get(id),
  });
  const unsubscribes: (() => void)[] = [];

  /** Whom a deadline of this park would ring: the parker's devices, else the fallback extension's. */
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

  function guard(work: Promise<void>): Promise<void> {
    return work.catch((error: unknown) => logger.error({ err: error }, 'parking failed'));
  }

  function requireAsterisk(): void {
    if (connection.state() !== 'connected')
      throw new AppError('asterisk-unreachable', 'Asterisk is not reachable');
  }

  return {
    start(): void {
      unsubscribes.push(
        connection.onFact(router.onFact),
        connection.onConnected(reconcile),
        calls.dialPlan.handle('park', router.onDialled),
        calls.dialPlan.handle('park-slot', router.onDialled),
      );
      calls.onParkCode((request) => void guard(flows.onParkCode(request)));
      if (connection.state() === 'connected')
        void reconcile().catch((error: unknown) => logger.error({ err: error }, 'park reconcile failed'));
    },
    async stop(): Promise<void> {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      runner.stop();
      prompts.stop();
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

export type ParkingService = ReturnType<typeof createParkingService>;
