import type { Device } from '../../db/devices.repository.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /** Data: the device, never its SIP password. */
    'device.created': Device;
    'device.updated': Device;
    'device.deleted': Device;
  }
}
