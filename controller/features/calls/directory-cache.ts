import type { Logger } from 'pino';
import type { EventBus } from '../../bus/event-bus.js';
import { findUserById, listDirectory, type DirectoryEntry } from '../../db/calls-directory.repository.js';
import type { AnyPbxEvent } from '../../bus/events.js';
import type { Db } from '../../db/database.js';
import '../devices/devices.events.js';
import '../hotdesk/hotdesk.events.js';
import '../users/users.events.js';
import {
  createCallDirectory,
  endpointResourceOf,
  personOf,
  targetsOf,
  trunkCallerOf,
  type CallDirectory,
  type DeskView,
} from './call-directory.js';
import { isExtensionNumber } from './dial-plan.js';

interface DeviceEntry {
  name: string;
  ownerUserId: string | null;
}

/**
 * The call directory in memory, kept current by the `user.*`, `device.*` and `hotdesk.*` events (this instance's and, through the
 * Redis relay, every other one's), loaded whole on start: a call's lookups cost no database round trip on its
 * set-up path. A number or account it does not know is looked up in the database (a user written there directly,
 * an event missed) and remembered when found.
 */
export function createDirectoryCache(deps: { db: Db; bus: EventBus; logger: Logger }) {
  const fallback = createCallDirectory(deps.db);
  const byExtension = new Map<string, DirectoryEntry>();
  const extensionOfUser = new Map<string, string>();
  const devices = new Map<string, DeviceEntry>();
  /** Hot desk sessions: device → {user, session}, and user → device. */
  const deskSessions = new Map<string, { userId: string; sessionId: string }>();
  const deskOfUser = new Map<string, string>();
  const desks: DeskView = {
    userOfDevice: (deviceId) => deskSessions.get(deviceId)?.userId,
    deskOfUser: (userId) => deskOfUser.get(userId),
  };
  let unsubscribe: (() => void) | undefined;

  function login(deviceId: string, userId: string, sessionId: string): void {
    deskSessions.set(deviceId, { userId, sessionId });
    deskOfUser.set(userId, deviceId);
  }

  function logout(deviceId: string, sessionId: string): void {
    const session = deskSessions.get(deviceId);
    if (!session || session.sessionId !== sessionId) return;
    deskSessions.delete(deviceId);
    if (deskOfUser.get(session.userId) === deviceId) deskOfUser.delete(session.userId);
  }

  function putUser(entry: DirectoryEntry): void {
    const previous = extensionOfUser.get(entry.userId);
    if (previous !== undefined && previous !== entry.extension) byExtension.delete(previous);
    byExtension.set(entry.extension, entry);
    extensionOfUser.set(entry.userId, entry.extension);
  }

  function removeUser(userId: string): void {
    const extension = extensionOfUser.get(userId);
    if (extension !== undefined) byExtension.delete(extension);
    extensionOfUser.delete(userId);
  }

  const devicesOf = (userId: string) =>
    [...devices]
      .filter(([, d]) => d.ownerUserId === userId)
      .map(([id]) => id)
      .sort();

  /** A device's owner gained or lost it: the owners' entries list their devices again. */
  function reindexDevices(...owners: (string | null | undefined)[]): void {
    for (const owner of owners) {
      const extension = owner ? extensionOfUser.get(owner) : undefined;
      const entry = extension !== undefined ? byExtension.get(extension) : undefined;
      if (!entry) continue;
      byExtension.set(entry.extension, { ...entry, deviceIds: devicesOf(owner!) });
    }
  }

  const directory: CallDirectory = {
    async resolveTargets(number) {
      const entry = isExtensionNumber(number) ? byExtension.get(number) : undefined;
      if (!entry) {
        const found = await fallback.resolveTargets(number);
        if (found.kind === 'user' && found.user.userId) void refreshUser(found.user.userId);
        return found;
      }
      return { kind: 'user', user: personOf(entry), targets: targetsOf(entry, desks) };
    },
    async identifyCaller(channel) {
      const outsider = trunkCallerOf(channel);
      if (outsider) return outsider;
      const resource = endpointResourceOf(channel.name) ?? '';
      const extension = /^(\d{3,5})(-web)?$/.exec(resource)?.[1];
      const entry = extension !== undefined ? byExtension.get(extension) : undefined;
      if (entry) return personOf(entry);
      // A hot desk calls as whoever is logged in on it, an owned device as its owner; a person the memory misses is
      // looked up (never taken for a guest).
      const device = devices.get(resource);
      const person = desks.userOfDevice(resource) ?? device?.ownerUserId ?? undefined;
      if (person !== undefined) {
        const known = extensionOfUser.get(person);
        const found = known !== undefined ? byExtension.get(known) : undefined;
        if (found) return personOf(found);
        void refreshUser(person);
        return fallback.identifyCaller(channel);
      }
      if (device)
        return { number: channel.caller.number || resource, name: device.name, userId: null };
      return fallback.identifyCaller(channel);
    },
  };

  /** One user as the database has them now (a lookup the memory missed). */
  async function refreshUser(userId: string): Promise<void> {
    const entry = await findUserById(deps.db, userId).catch(() => undefined);
    if (entry) putUser(entry);
  }

  function apply(event: AnyPbxEvent): void {
    switch (event.type) {
      case 'user.created':
      case 'user.updated': {
        const { id, extension, displayName } = event.data;
        return putUser({ userId: id, extension, displayName, deviceIds: devicesOf(id) });
      }
      case 'user.deleted': {
        const desk = deskOfUser.get(event.data.id);
        const session = desk !== undefined ? deskSessions.get(desk) : undefined;
        if (desk !== undefined && session) logout(desk, session.sessionId);
        return removeUser(event.data.id);
      }
      case 'device.created':
      case 'device.updated': {
        const { id, name, ownerUserId } = event.data;
        const before = devices.get(id)?.ownerUserId;
        devices.set(id, { name, ownerUserId });
        return reindexDevices(before, ownerUserId);
      }
      case 'device.deleted': {
        const before = devices.get(event.data.id)?.ownerUserId;
        devices.delete(event.data.id);
        const session = deskSessions.get(event.data.id);
        if (session) logout(event.data.id, session.sessionId);
        return reindexDevices(before);
      }
      case 'hotdesk.login':
        return login(event.data.deviceId, event.data.userId, event.data.id);
      case 'hotdesk.logout':
        return logout(event.data.deviceId, event.data.id);
      default:
        return undefined;
    }
  }

  async function load(): Promise<void> {
    const { users, devices: rows, sessions } = await listDirectory(deps.db);
    byExtension.clear();
    extensionOfUser.clear();
    devices.clear();
    deskSessions.clear();
    deskOfUser.clear();
    for (const session of sessions) login(session.deviceId, session.userId, session.sessionId);
    for (const row of rows) devices.set(row.id, { name: row.name, ownerUserId: row.ownerUserId });
    for (const user of users) putUser(user);
  }

  /** A user's SIP accounts (`1001`, `1001-web`, device ids): what a call to them rings (`targetsOf`). */
  function accountsOf(userId: string): string[] {
    const extension = extensionOfUser.get(userId);
    const entry = extension !== undefined ? byExtension.get(extension) : undefined;
    return entry ? targetsOf(entry, desks).map((t) => t.endpoint.replace(/^PJSIP\//, '')) : [];
  }

  return {
    ...directory,
    accountsOf,
    /** Reads everything again (a change made in the database without an event). */
    reload: load,
    /** Every user the directory knows. */
    userIds: (): string[] => [...extensionOfUser.keys()],
    /** Loads everything and follows the events from now on (those that come during the load are applied after it). */
    async start(): Promise<void> {
      let during: AnyPbxEvent[] | undefined = [];
      unsubscribe = deps.bus.subscribe((event) => (during ? during.push(event) : apply(event)));
      try {
        await load();
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not load the call directory; looking numbers up one by one');
      }
      const queued = during;
      during = undefined;
      for (const event of queued) apply(event);
    },
    stop(): void {
      unsubscribe?.();
    },
  };
}
