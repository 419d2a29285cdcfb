import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChannelInfo } from '../../ari/pbx.facts.js';
import type { Db } from '../../db/database.js';
import { allocateSlot } from '../../db/park-slots.repository.js';
import type { ParkingRunner } from './parking.runner.js';
import type { NewPark } from './parking.types.js';

export const newParkId = () => randomBytes(6).toString('hex');

/** Why a park could not get a slot, as the phone hears it and the API reports it. */
export type Refusal = 'parking-full' | 'slot-occupied';

export type StartPark = (
  request: Omit<NewPark, 'id' | 'slot' | 'ringSeconds' | 'timeoutSeconds'> & {
    slot?: string;
    timeoutSeconds?: number;
  },
) => Promise<{ parkId: string; refused?: Refusal }>;

export interface ParkAllocationDeps {
  db: Db;
  runner: ParkingRunner;
  logger: Logger;
  settings: { timeoutSeconds: number; ringSeconds: number };
}

/**
 * Parks begin by taking their slot in Postgres: a park started from a phone or the API, and a channel found in a
 * `park-7NN` bridge that no saved park knows (taken again on that slot). Remembers which parks are taking a slot.
 */
export function createParkAllocation(deps: ParkAllocationDeps) {
  const { db, runner, logger, settings } = deps;
  /** Parks whose slot is being taken right now (their row has no state yet: reconcile leaves it alone). */
  const starting = new Set<string>();

  /**
   * Takes a slot (the given one, else the lowest free) and starts the park; claims its channels first so that their
   * facts queue behind it. Resolves with the refusal when no slot could be had.
   */
  const startPark: StartPark = async (request) => {
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
  };

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

  return { startPark, adoptOrphan, isStarting: (parkId: string) => starting.has(parkId) };
}

export type ParkAllocation = ReturnType<typeof createParkAllocation>;
