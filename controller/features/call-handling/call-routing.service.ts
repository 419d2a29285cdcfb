import type { Logger } from 'pino';
import type { EventBus } from '../../bus/event-bus.js';
import { findProfileByExtension, listProfiles } from '../../db/call-handling.repository.js';
import type { Db } from '../../db/database.js';
import type { Destination, RingEntry } from '../calls/call.types.js';
import { effectiveSettings, ringEntries } from './ring-strategy.js';
import type { CallRouting } from '../calls/calls.service.js';
import '../users/users.events.js';
import './call-handling.events.js';
import { routeDestination } from './call-routing.js';
import type { HandlingProfile } from './handling.types.js';

/** Events after which a user's cached profile is read again (from any instance, through the Redis relay). */
const CHANGES = new Set([
  'user.dnd-changed',
  'user.forwarding-changed',
  'user.ring-settings-changed',
  'user.updated',
  'user.deleted',
]);

/**
 * The calls feature's routing hook: who was dialled (from the directory) → how to ring them now, by their DND,
 * forwarding, ring settings and schedule. Profiles are read from the database once and kept in memory until an event
 * says the user's handling changed (a call's set-up then costs no database round trip; under 50 simultaneous calls the
 * query waited for the pool). `preload` reads every profile at start: read only on a callee's first call, a callee
 * nobody had called yet was refused (503) while PostgreSQL was down (the fault suite's postgres-outage cases).
 */
export function createCallRouting(deps: {
  db: Db;
  bus: EventBus;
  dialTimeoutSeconds: number;
  screeningSeconds: number;
  now?: () => Date;
  logger?: Logger;
}): CallRouting & { stop(): void; preload(): Promise<void>; ringEntriesFor: RingEntriesFor } {
  const now = deps.now ?? (() => new Date());
  const byExtension = new Map<string, HandlingProfile>();
  /** Users whose handling changed while `preload` ran: what it read of them may be older than the change. */
  let changedDuringLoad: Set<string> | undefined;
  const unsubscribe = deps.bus.subscribe((event) => {
    if (!CHANGES.has(event.type)) return;
    const data = event.data as { userId?: string; id?: string };
    const userId = data.userId ?? data.id;
    if (userId) changedDuringLoad?.add(userId);
    for (const [extension, profile] of byExtension)
      if (profile.userId === userId) byExtension.delete(extension);
  });

  async function profileOf(extension: string): Promise<HandlingProfile | undefined> {
    const cached = byExtension.get(extension);
    if (cached) return cached;
    const found = await findProfileByExtension(deps.db, extension);
    if (found) byExtension.set(extension, found);
    return found;
  }

  return {
    route(destination: Destination, resolve: (number: string) => Promise<Destination>): Promise<Destination> {
      return routeDestination(
        destination,
        { profileOf, resolve },
        { now: now(), dialTimeoutSeconds: deps.dialTimeoutSeconds, screeningSeconds: deps.screeningSeconds },
      );
    },
    /**
     * How a user's devices ring by their ring settings alone (strategy, targets, delays, schedule), for `ringSeconds`
     * where a target does not say: a routed call rings an agent's devices this way (no forwarding: the call is for
     * the agent's desk, not their extension; DND is presence's).
     */
    async ringEntriesFor(destination, ringSeconds) {
      const profile = await profileOf(destination.user.number);
      if (!profile) return planEntries(destination, ringSeconds);
      const { strategy } = effectiveSettings(profile.ringSettings, now());
      return ringEntries(profile.ringSettings, strategy, destination.user, destination.targets, ringSeconds);
    },
    async preload() {
      changedDuringLoad = new Set();
      try {
        for (const profile of await listProfiles(deps.db))
          if (!changedDuringLoad.has(profile.userId) && !byExtension.has(profile.extension))
            byExtension.set(profile.extension, profile);
      } catch (error) {
        deps.logger?.warn(
          { err: error },
          'could not preload call handling profiles; reading them call by call',
        );
      } finally {
        changedDuringLoad = undefined;
      }
    },
    stop: unsubscribe,
  };
}

/** A user's devices for a routed call: their entries by their ring settings (see `ringEntriesFor`). */
export type RingEntriesFor = (
  destination: Extract<Destination, { kind: 'user' }>,
  ringSeconds: number,
) => Promise<RingEntry[]>;

const planEntries = (destination: Extract<Destination, { kind: 'user' }>, ringSeconds: number): RingEntry[] =>
  destination.targets.map((t) => ({
    endpoint: t.endpoint,
    person: destination.user,
    startSeconds: 0,
    stopSeconds: ringSeconds,
  }));
