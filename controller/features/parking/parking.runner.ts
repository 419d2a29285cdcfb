import type { Logger } from 'pino';
import type { FailureReason, Outcome, Pbx } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import { freeParkSlot, saveParkSlot } from '../../db/park-slots.repository.js';
import { createCallTimers } from '../calls/call-timers.js';
import { createKeyedLock } from '../calls/keyed-lock.js';
import { createKeptWrites } from '../../db/kept-writes.js';
import type { AdoptedParty } from '../calls/call.types.js';
import { deviceOf, evolve, nextDeadline } from './park-state.js';
import { busEventOf, type ParkBusEvent } from './parking.events.js';
import { decide } from './parking.decider.js';
import type { ParkEffect, ParkInput, ParkState } from './parking.types.js';

/** What parking needs from the calls feature: legs handed over, and picked-up parks turned into calls. */
export interface CallsForParking {
  release(callId: string, channelIds: string[]): Promise<void>;
  adopt(request: { caller: AdoptedParty; answerer: AdoptedParty; dialled: string }): Promise<string>;
}

export interface ParkingRunnerDeps {
  pbx: Pbx;
  db: Db;
  bus: EventBus;
  logger: Logger;
  now: () => Date;
  calls: CallsForParking;
  /** What a deadline of this park needs resolved (whom a recall rings). */
  tickInput(park: ParkState): Promise<ParkInput>;
  /** A phone that reached nothing: answer, play, hang up. */
  promptAndHangup(channelId: string, media: string[]): Promise<void>;
}

export type PendingParkInput = ParkInput | (() => Promise<ParkInput | undefined>);

/**
 * The thin shell around the parking decider: per park, under a lock, decide, save (memory + the slot's row in
 * Postgres; a finished park frees its slot), publish what Asterisk confirmed, then carry the effects out through
 * the Pbx; a failed command is fed back as an input.
 */
export function createParkingRunner(deps: ParkingRunnerDeps) {
  const { pbx, bus, logger, now } = deps;
  const parks = new Map<string, ParkState>();
  const channelIndex = new Map<string, string>();
  const watchers = new Map<string, ((park: ParkState) => void)[]>();
  const lock = createKeyedLock();
  // A slot's row PostgreSQL could not take (down) is written once it is back, under the park's lock: else a park that
  // ended during an outage left its slot occupied in the database (the fault suite's postgres-outage cases).
  const slotWrites = createKeptWrites({
    run: (parkId, fn) => lock.run(parkId, fn),
    logger,
    what: 'park slots',
  });
  const timers = createCallTimers((parkId, at) => {
    void lock.run(parkId, async () => {
      const park = parks.get(parkId);
      if (!park || nextDeadline(park) !== at) return;
      await process(parkId, await deps.tickInput(park));
    });
  }, now);

  async function persist(park: ParkState): Promise<void> {
    const done = park.stage === 'done';
    for (const id of park.channelIds) {
      if (done) channelIndex.delete(id);
      else channelIndex.set(id, park.id);
    }
    if (done) parks.delete(park.id);
    else parks.set(park.id, park);
    const deadline = nextDeadline(park);
    if (deadline) timers.arm(park.id, deadline);
    else timers.cancel(park.id);
    if (done) return slotWrites.attempt(park.id, () => freeParkSlot(deps.db, park.slot, park.id));
    await slotWrites.attempt(park.id, () =>
      saveParkSlot(deps.db, {
        slot: park.slot,
        parkId: park.id,
        channelId: park.channelId,
        callerIdNumber: park.caller.number,
        callerIdName: park.caller.name,
        parkerExtension: park.parker?.number ?? null,
        parkedAt: park.parkedAt,
        timeoutAt: park.timeoutAt,
        state: park,
      }),
    );
  }

  async function process(parkId: string, first: ParkInput): Promise<ParkState | undefined> {
    const pending: ParkInput[] = [first];
    let state = parks.get(parkId);
    for (let input = pending.shift(); input; input = pending.shift()) {
      const before = parks.get(parkId);
      const decision = decide(input, before, now());
      logger.trace(
        { parkId, input: input.kind, events: decision.events.map((e) => e.kind) },
        'park input decided',
      );
      state = before;
      const published: ParkBusEvent[] = [];
      for (const event of decision.events) {
        state = evolve(state, event);
        const busEvent = busEventOf(event, state);
        if (busEvent) published.push(busEvent);
      }
      if (state && state !== before) {
        try {
          await persist(state);
        } catch (error) {
          logger.error({ err: error, parkId }, 'could not save the park slot');
        }
        notify(state);
      }
      for (const event of published) bus.publish(event.type, event.data as never);
      for (const effect of decision.effects) {
        const reason = await execute(parkId, effect);
        if (!reason) continue;
        logger.debug({ parkId, effect: effect.kind, reason }, 'park command failed');
        pending.push({ kind: 'effect-failed', effect, reason });
      }
    }
    return state;
  }

  function notify(park: ParkState): void {
    for (const watcher of watchers.get(park.id) ?? []) watcher(park);
  }

  const failure = (outcome: Outcome<unknown>): FailureReason | undefined =>
    outcome.ok ? undefined : outcome.reason;

  async function execute(parkId: string, effect: ParkEffect): Promise<FailureReason | undefined> {
    try {
      return await carryOut(effect);
    } catch (error) {
      logger.error({ err: error, parkId, effect: effect.kind }, 'park effect failed');
      return 'failed';
    }
  }

  async function carryOut(effect: ParkEffect): Promise<FailureReason | undefined> {
    switch (effect.kind) {
      case 'answer':
        return failure(await pbx.answer(effect.channelId));
      case 'hangup':
        return failure(await pbx.hangup(effect.channelId, effect.reason));
      case 'transfer-progress':
        return failure(await pbx.transferProgress(effect.channelId, effect.state));
      case 'create-bridge':
        return failure(await pbx.createBridge(effect.bridgeId, 'holding', effect.name));
      case 'add-to-bridge':
        return failure(await pbx.addToBridge(effect.bridgeId, effect.channelIds));
      case 'destroy-bridge':
        return failure(await pbx.destroyBridge(effect.bridgeId));
      case 'moh':
        return failure(await pbx.moh({ bridgeId: effect.bridgeId }, effect.on));
      case 'play':
        return failure(
          await pbx.play({ playbackId: effect.playbackId, target: effect.target, media: effect.media }),
        );
      case 'create-channel':
        return failure(await pbx.createChannel(effect.request));
      case 'dial':
        return failure(await pbx.dial(effect.request));
      case 'device-state':
        return failure(await pbx.setDeviceState(deviceOf(effect.slot), effect.state));
      case 'release-from-call':
        await deps.calls.release(effect.callId, effect.channelIds);
        return undefined;
      case 'hand-over':
        await deps.calls.adopt({
          caller: {
            channelId: effect.parked.channelId,
            endpoint: '',
            person: effect.parked.person,
            up: true,
          },
          answerer: {
            channelId: effect.to.channelId,
            endpoint: effect.to.endpoint,
            person: effect.to.person,
            up: effect.to.up,
          },
          dialled: effect.slot,
        });
        return undefined;
      case 'prompt-and-hangup':
        await deps.promptAndHangup(effect.channelId, effect.media);
        return undefined;
      default: {
        const never: never = effect;
        throw new Error(`unknown park effect ${JSON.stringify(never)}`);
      }
    }
  }

  return {
    /** Queue an input for a park; resolves with the park as it stands afterwards (undefined once done). */
    submit(parkId: string, input: PendingParkInput): Promise<ParkState | undefined> {
      return lock.run(parkId, async () => {
        const resolved = typeof input === 'function' ? await input() : input;
        const state = resolved ? await process(parkId, resolved) : parks.get(parkId);
        if (!parks.has(parkId))
          for (const [channel, owner] of channelIndex) if (owner === parkId) channelIndex.delete(channel);
        return state;
      });
    },
    /** Route a channel to a park before its first input is decided (its next facts queue behind it). */
    claim: (channelId: string, parkId: string) => channelIndex.set(channelId, parkId),
    unclaim: (channelId: string) => channelIndex.delete(channelId),
    parkOfChannel: (channelId: string) => channelIndex.get(channelId),
    get: (parkId: string) => parks.get(parkId),
    bySlot: (slot: string) => [...parks.values()].find((park) => park.slot === slot),
    all: () => [...parks.values()],
    /** Calls `watch` after every saved change of the park until it returns true (or `timeoutMs` passes). */
    watch(
      parkId: string,
      until: (park: ParkState) => boolean,
      timeoutMs: number,
    ): Promise<ParkState | undefined> {
      return new Promise((resolve) => {
        const list = watchers.get(parkId) ?? [];
        watchers.set(parkId, list);
        const finish = (park: ParkState | undefined) => {
          clearTimeout(timer);
          list.splice(list.indexOf(watcher), 1);
          if (list.length === 0) watchers.delete(parkId);
          resolve(park);
        };
        const watcher = (park: ParkState) => {
          if (until(park)) finish(park);
        };
        const timer = setTimeout(() => finish(parks.get(parkId)), timeoutMs);
        list.push(watcher);
        const current = parks.get(parkId);
        if (current && until(current)) finish(current);
      });
    },
    /** Adopt parks saved in their slots that this process does not know (a restart, or a take-over). */
    restore(saved: ParkState[]): void {
      for (const park of saved) {
        if (parks.has(park.id)) continue;
        parks.set(park.id, park);
        for (const id of park.channelIds) channelIndex.set(id, park.id);
        const deadline = nextDeadline(park);
        if (deadline) timers.arm(park.id, deadline);
      }
    },
    idle: () => lock.idle(),
    stop: () => {
      timers.cancelAll();
      slotWrites.stop();
    },
  };
}

export type ParkingRunner = ReturnType<typeof createParkingRunner>;
