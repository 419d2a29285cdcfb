import type { AnyPbxEvent } from '../../bus/events.js';
import type { Db } from '../../db/database.js';
import { listHotdeskDeviceIds, listHotdeskSessions } from '../../db/hotdesk.repository.js';
import '../devices/devices.events.js';
import '../users/users.events.js';
import './hotdesk.events.js';
import type { HotdeskSession } from './hotdesk.types.js';

/**
 * What the phone-side checks need at once, without a database round trip: which devices are hot desks and who is
 * logged in where. Loaded on start, kept current by `device.*` and `hotdesk.*` events (this instance's and, through
 * the Redis relay, every other one's).
 */
export function createHotdeskMemory() {
  const hotdeskDevices = new Set<string>();
  const byDevice = new Map<string, HotdeskSession>();

  return {
    async load(db: Db): Promise<void> {
      const [devices, sessions] = await Promise.all([listHotdeskDeviceIds(db), listHotdeskSessions(db)]);
      hotdeskDevices.clear();
      byDevice.clear();
      for (const id of devices) hotdeskDevices.add(id);
      for (const session of sessions) byDevice.set(session.deviceId, session);
    },
    apply(event: AnyPbxEvent): void {
      switch (event.type) {
        case 'device.created':
        case 'device.updated':
          if (event.data.hotdesk) hotdeskDevices.add(event.data.id);
          else hotdeskDevices.delete(event.data.id);
          return;
        case 'device.deleted':
          hotdeskDevices.delete(event.data.id);
          byDevice.delete(event.data.id);
          return;
        case 'user.deleted':
          for (const [deviceId, session] of byDevice)
            if (session.userId === event.data.id) byDevice.delete(deviceId);
          return;
        case 'hotdesk.login':
          byDevice.set(event.data.deviceId, event.data);
          return;
        case 'hotdesk.logout':
          if (byDevice.get(event.data.deviceId)?.id === event.data.id) byDevice.delete(event.data.deviceId);
          return;
        default:
          return;
      }
    },
    isHotdesk: (deviceId: string) => hotdeskDevices.has(deviceId),
    sessionOf: (deviceId: string) => byDevice.get(deviceId),
    touch(deviceId: string, at: string): HotdeskSession | undefined {
      const session = byDevice.get(deviceId);
      if (session) byDevice.set(deviceId, { ...session, lastActivityAt: at });
      return session;
    },
    sessions: () => [...byDevice.values()],
  };
}

export type HotdeskMemory = ReturnType<typeof createHotdeskMemory>;
