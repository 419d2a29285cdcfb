import type { ChannelInfo } from '../../ari/pbx.facts.js';
import {
  findByExtension,
  findDevice,
  findUserById,
  type DirectoryEntry,
} from '../../db/calls-directory.repository.js';
import type { Db } from '../../db/database.js';
import type { Destination, Person, Target } from './call.types.js';
import { isExtensionNumber } from './dial-plan.js';

/** Lookups the calls shell resolves before deciding: who a number is and what to ring, who a calling phone is. */
export interface CallDirectory {
  /**
   * What a call to this number rings. The one extension point for DND, forwarding, ring strategies and hot desking:
   * today every account of the user rings at once (desk `PJSIP/<ext>`, webphone `PJSIP/<ext>-web`, owned devices).
   */
  resolveTargets(number: string): Promise<Destination>;
  /** The user (or device) behind a phone's inbound channel, shown to the callee as extension and display name. */
  identifyCaller(channel: ChannelInfo): Promise<Person>;
}

export { isExtensionNumber };

export const personOf = (entry: DirectoryEntry): Person => ({
  number: entry.extension,
  name: entry.displayName,
  userId: entry.userId,
});

export function targetsOf(entry: DirectoryEntry): Target[] {
  return [
    `PJSIP/${entry.extension}`,
    `PJSIP/${entry.extension}-web`,
    ...entry.deviceIds.map((id) => `PJSIP/${id}`),
  ].map((endpoint) => ({ endpoint }));
}

/** `PJSIP/1001-0000002b` → `1001`; `PJSIP/1001-web-0000002c` → `1001-web`. */
export function endpointResourceOf(channelName: string): string | undefined {
  return /^PJSIP\/(.+)-[0-9a-f]{8}$/.exec(channelName)?.[1];
}

export function createCallDirectory(db: Db): CallDirectory {
  return {
    async resolveTargets(number) {
      const entry = isExtensionNumber(number) ? await findByExtension(db, number) : undefined;
      return entry ? { kind: 'user', user: personOf(entry), targets: targetsOf(entry) } : { kind: 'unknown' };
    },
    async identifyCaller(channel) {
      const fallback: Person = { number: channel.caller.number, name: channel.caller.name, userId: null };
      const resource = endpointResourceOf(channel.name);
      if (!resource) return fallback;
      const extension = /^(\d{3,5})(-web)?$/.exec(resource)?.[1];
      if (extension) {
        const entry = await findByExtension(db, extension);
        return entry ? personOf(entry) : fallback;
      }
      const device = await findDevice(db, resource);
      const owner = device?.ownerUserId ? await findUserById(db, device.ownerUserId) : undefined;
      if (owner) return personOf(owner);
      return device
        ? { number: channel.caller.number || resource, name: device.name, userId: null }
        : fallback;
    },
  };
}
