/** Device states: only `Stasis:` devices are controllable; GET of an unknown one is UNKNOWN. */
import type { Sim } from './sim.js';
import { emit } from './events.js';

export const DEVICE_STATES = [
  'UNKNOWN',
  'NOT_INUSE',
  'INUSE',
  'BUSY',
  'INVALID',
  'UNAVAILABLE',
  'RINGING',
  'RINGINUSE',
  'ONHOLD',
];

export class DeviceStateError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function getDeviceState(sim: Sim, name: string): { name: string; state: string } {
  return { name, state: sim.deviceStates.get(name) ?? 'UNKNOWN' };
}

export function listDeviceStates(sim: Sim): { name: string; state: string }[] {
  return [...sim.deviceStates].map(([name, state]) => ({ name, state }));
}

function controlled(name: string): void {
  if (!name.startsWith('Stasis:')) throw new DeviceStateError(409, 'Uncontrolled device specified');
}

export function putDeviceState(sim: Sim, name: string, state: string): void {
  controlled(name);
  if (!DEVICE_STATES.includes(state)) throw new DeviceStateError(500, 'Unknown device');
  sim.deviceStates.set(name, state);
  emit(sim, 'DeviceStateChanged', { device_state: { name, state } }, { device: name });
}

/** DELETE forgets the device without an event; GET then says UNKNOWN again. */
export function deleteDeviceState(sim: Sim, name: string): void {
  controlled(name);
  sim.deviceStates.delete(name);
}
