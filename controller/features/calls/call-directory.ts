import type { ChannelInfo } from '../../ari/pbx.facts.js';
import {
  findByExtension,
  findDeskSessions,
  findDevice,
  findUserById,
  type DeskSession,
  type DirectoryEntry,
} from '../../db/calls-directory.repository.js';
import type { Db } from '../../db/database.js';
import type { Destination, Person, Target } from './call.types.js';
import { isExtensionNumber } from './dial-plan.js';
import { trunkIdOfChannel } from '../trunks/trunk-names.js';

/** Lookups the calls shell resolves before deciding: who a number is and what to ring, who a calling phone is. */
export interface CallDirectory {
  /**
   * What a call to this number rings. The one extension point for DND, forwarding, ring strategies and hot desking:
   * today every account of the user rings at once (desk `PJSIP/<ext>`, webphone `PJSIP/<ext>-web`, owned devices,
   * the hot desk they are logged in on).
   */
  resolveTargets(number: string): Promise<Destination>;
  /**
   * The user (or device) behind a phone's inbound channel, shown to the callee as extension and display name; a hot
   * desk device is the user logged in on it.
   */
  identifyCaller(channel: ChannelInfo): Promise<Person>;
}

export { isExtensionNumber };

export const personOf = (entry: DirectoryEntry): Person => ({
  number: entry.extension,
  name: entry.displayName,
  userId: entry.userId,
});

/** Who is logged in on which hot desk device, as the directory knows it. */
export interface DeskView {
  userOfDevice(deviceId: string): string | undefined;
  deskOfUser(userId: string): string | undefined;
}

export const noDesks: DeskView = { userOfDevice: () => undefined, deskOfUser: () => undefined };

export function deskViewOf(sessions: readonly DeskSession[]): DeskView {
  return {
    userOfDevice: (deviceId) => sessions.find((s) => s.deviceId === deviceId)?.userId,
    deskOfUser: (userId) => sessions.find((s) => s.userId === userId)?.deviceId,
  };
}

/**
 * Every account of the user at once: desk, webphone, the devices they own — but not one another user is logged in on
 * (hot desk) — and the hot desk they are logged in on.
 */
export function targetsOf(entry: DirectoryEntry, desks: DeskView = noDesks): Target[] {
  const owned = entry.deviceIds.filter((id) => (desks.userOfDevice(id) ?? entry.userId) === entry.userId);
  const desk = desks.deskOfUser(entry.userId);
  const devices = desk !== undefined && !owned.includes(desk) ? [...owned, desk] : owned;
  return [
    `PJSIP/${entry.extension}`,
    `PJSIP/${entry.extension}-web`,
    ...devices.map((id) => `PJSIP/${id}`),
  ].map((endpoint) => ({ endpoint }));
}

/** `PJSIP/1001-0000002b` → `1001`; `PJSIP/1001-web-0000002c` → `1001-web`. */
export function endpointResourceOf(channelName: string): string | undefined {
  return /^PJSIP\/(.+)-[0-9a-f]{8}$/.exec(channelName)?.[1];
}

/**
 * A caller from a trunk is nobody of ours: the number and name its From claims are shown, never matched to a user or
 * a device (a carrier's `From: 1001` is not the user 1001).
 */
export function trunkCallerOf(channel: ChannelInfo): Person | undefined {
  return trunkIdOfChannel(channel.name) !== undefined
    ? { number: channel.caller.number, name: channel.caller.name, userId: null }
    : undefined;
}

export function createCallDirectory(db: Db): CallDirectory {
  return {
    async resolveTargets(number) {
      const entry = isExtensionNumber(number) ? await findByExtension(db, number) : undefined;
      if (!entry) return { kind: 'unknown' };
      const desks = deskViewOf(await findDeskSessions(db, entry.deviceIds, entry.userId));
      return { kind: 'user', user: personOf(entry), targets: targetsOf(entry, desks) };
    },
    async identifyCaller(channel) {
      const outsider = trunkCallerOf(channel);
      if (outsider) return outsider;
      const fallback: Person = { number: channel.caller.number, name: channel.caller.name, userId: null };
      const resource = endpointResourceOf(channel.name);
      if (!resource) return fallback;
      const extension = /^(\d{3,5})(-web)?$/.exec(resource)?.[1];
      if (extension) {
        const entry = await findByExtension(db, extension);
        return entry ? personOf(entry) : fallback;
      }
      const device = await findDevice(db, resource);
      // A hot desk calls as whoever is logged in on it.
      const [desk] = device ? await findDeskSessions(db, [resource]) : [];
      const deskUser = desk ? await findUserById(db, desk.userId) : undefined;
      if (deskUser) return personOf(deskUser);
      const owner = device?.ownerUserId ? await findUserById(db, device.ownerUserId) : undefined;
      if (owner) return personOf(owner);
      return device
        ? { number: channel.caller.number || resource, name: device.name, userId: null }
        : fallback;
    },
  };
}
