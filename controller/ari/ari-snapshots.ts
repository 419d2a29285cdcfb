import type { BridgeInfo, ChannelInfo, ChannelState, Party } from './pbx.facts.js';
import type { EndpointInfo } from './pbx.port.js';

/**
 * ARI's JSON objects (as in events and REST responses) mapped to the port's shapes. Asterisk's snake_case stays
 * here; missing fields get empty values instead of throwing, so one odd event never stops the stream.
 */
export type Json = Record<string, unknown>;

const channelStates: ReadonlySet<string> = new Set([
  'Down',
  'Rsrvd',
  'OffHook',
  'Dialing',
  'Ring',
  'Ringing',
  'Up',
  'Busy',
]);

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

export const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : []);

export const optionalNumber = (value: unknown): number | undefined =>
  typeof value === 'number' ? value : undefined;

function party(value: unknown): Party {
  const raw = isObject(value) ? value : {};
  return { name: text(raw.name), number: text(raw.number) };
}

export function toChannelInfo(value: unknown): ChannelInfo {
  const raw = isObject(value) ? value : {};
  const dialplan = isObject(raw.dialplan) ? raw.dialplan : {};
  const state = text(raw.state);
  return {
    id: text(raw.id),
    name: text(raw.name),
    state: channelStates.has(state) ? (state as ChannelState) : 'Unknown',
    caller: party(raw.caller),
    connected: party(raw.connected),
    dialplan: { context: text(dialplan.context), exten: text(dialplan.exten) },
    createdAt: text(raw.creationtime),
  };
}

export function toBridgeInfo(value: unknown): BridgeInfo {
  const raw = isObject(value) ? value : {};
  return {
    id: text(raw.id),
    name: text(raw.name),
    type: text(raw.bridge_type),
    technology: text(raw.technology),
    channelIds: strings(raw.channels),
  };
}

export function toEndpointInfo(value: unknown): EndpointInfo {
  const raw = isObject(value) ? value : {};
  return {
    technology: text(raw.technology),
    resource: text(raw.resource),
    state: text(raw.state),
    channelIds: strings(raw.channel_ids),
  };
}

/** The id of an optional nested object (`{id: …}`), if there is one. */
export function idOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.id === 'string' ? value.id : undefined;
}
