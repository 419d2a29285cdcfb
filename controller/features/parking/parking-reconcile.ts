import type { Logger } from 'pino';
import type { BridgeInfo, ChannelInfo } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import type { Db } from '../../db/database.js';
import { freeParkSlot, occupiedParkSlots } from '../../db/park-slots.repository.js';
import { ALL_SLOTS, slotOfBridgeName } from './park-state.js';
import type { ParkAllocation } from './parking-allocation.js';
import type { SeenChannels } from './parking-fact-router.js';
import type { ParkingRunner } from './parking.runner.js';
import type { ParkState } from './parking.types.js';

export interface ParkReconcileDeps {
  pbx: Pbx;
  db: Db;
  logger: Logger;
  runner: ParkingRunner;
  allocation: ParkAllocation;
  seen: SeenChannels;
}

/**
 * What runs after every (re)connect: resume the parks saved in Postgres, feed every park what Asterisk has now,
 * adopt or destroy the `park-7NN` bridges nobody knows, set all 99 device states again.
 */
export function createParkReconcile(deps: ParkReconcileDeps) {
  const { pbx, db, logger, runner, allocation, seen } = deps;

  /** Saved parks this process does not know are resumed; rows taken but never saved (a crash) are freed. */
  async function resumeSavedParks(): Promise<void> {
    const rows = await occupiedParkSlots(db);
    const saved: ParkState[] = [];
    for (const row of rows) {
      if (row.state) saved.push(row.state as ParkState);
      else if (row.parkId && !allocation.isStarting(row.parkId) && !runner.get(row.parkId))
        await freeParkSlot(db, row.slot, row.parkId);
    }
    runner.restore(saved);
  }

  async function adoptOrDestroyUnknownBridges(channels: ChannelInfo[], bridges: BridgeInfo[]): Promise<void> {
    const known = new Set(runner.all().map((park) => park.bridgeId));
    const byId = new Map(channels.map((channel) => [channel.id, channel]));
    for (const bridge of bridges) {
      const slot = slotOfBridgeName(bridge.name);
      if (!slot || known.has(bridge.id)) continue;
      const held = bridge.channelIds.map((id) => byId.get(id)).find((channel) => channel !== undefined);
      if (held) await allocation.adoptOrphan(slot, bridge.id, held);
      else await pbx.destroyBridge(bridge.id);
    }
  }

  async function resetDeviceStates(): Promise<void> {
    const occupied = new Set(runner.all().map((park) => park.slot));
    await Promise.all(
      ALL_SLOTS.map((slot) =>
        pbx.setDeviceState(`Stasis:park-${slot}`, occupied.has(slot) ? 'INUSE' : 'NOT_INUSE'),
      ),
    );
  }

  /** After every (re)connect: resume saved parks, compare with Asterisk, free what vanished, re-set every BLF. */
  return async function reconcile(): Promise<void> {
    await resumeSavedParks();
    const [channels, bridges] = await Promise.all([pbx.listChannels(), pbx.listBridges()]);
    if (!channels.ok || !bridges.ok)
      return logger.warn('could not list channels and bridges to reconcile parks');
    seen.replace(channels.value);
    const channelIds = channels.value.map((channel) => channel.id);
    await Promise.all(
      runner
        .all()
        .map((park) => runner.submit(park.id, { kind: 'reconcile', channelIds, bridges: bridges.value })),
    );
    await adoptOrDestroyUnknownBridges(channels.value, bridges.value);
    await resetDeviceStates();
  };
}
