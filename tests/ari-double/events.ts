/** Event delivery: snapshots, and routing each event to the subscribed applications' WebSockets. */
import type { Sim } from './sim.js';
import { timestamp } from './sim.js';
import type { AppState, AriEvent, Bridge, Channel, EventScope } from './types.js';

export function channelSnapshot(ch: Channel, dialplan = ch.dialplan): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    state: ch.state,
    protocol_id: ch.protocolId,
    caller: { ...ch.caller },
    connected: { ...ch.connected },
    accountcode: '',
    dialplan: { ...dialplan },
    creationtime: ch.creationtime,
    language: 'en',
  };
}

export function bridgeSnapshot(
  br: Bridge,
  over: Partial<{ channels: string[]; technology: string }> = {},
): Record<string, unknown> {
  return {
    id: br.id,
    technology: over.technology ?? br.technology,
    bridge_type: br.bridgeType,
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: br.name,
    channels: [...(over.channels ?? br.channels)],
    creationtime: br.creationtime,
    video_mode: 'talker',
  };
}

export function appSnapshot(app: AppState): Record<string, unknown> {
  return {
    name: app.name,
    channel_ids: [...app.channels],
    bridge_ids: [...app.bridges],
    endpoint_ids: [...app.endpoints],
    device_names: [...app.devices],
    events_allowed: app.allowed,
    events_disallowed: app.disallowed,
  };
}

/** Does this application receive an event about the given objects? */
function appWants(app: AppState, scope: EventScope): boolean {
  if (scope.channels?.some((c) => c && app.channels.has(c.id))) return true;
  if (scope.bridges?.some((b) => b && app.bridges.has(b.id))) return true;
  if (scope.endpoint) {
    const tech = scope.endpoint.split('/')[0] ?? '';
    if (app.endpoints.has(scope.endpoint) || app.endpoints.has(tech)) return true;
  }
  return scope.device !== undefined && app.devices.has(scope.device);
}

function passesFilter(app: AppState, type: string): boolean {
  if (app.allowed.length > 0 && !app.allowed.some((f) => f.type === type)) return false;
  return !app.disallowed.some((f) => f.type === type);
}

/** Send one event (type first, then fields) to every connected app that is subscribed to its objects. */
export function emit(sim: Sim, type: string, fields: Record<string, unknown>, scope: EventScope): void {
  for (const app of sim.apps.values()) {
    if (!appWants(app, scope)) continue;
    sendToApp(sim, app, { type, timestamp: timestamp(), ...fields });
  }
}

export function sendToApp(sim: Sim, app: AppState, event: AriEvent): void {
  const ws = app.socket;
  if (!ws || ws.readyState !== ws.OPEN || !passesFilter(app, event.type)) return;
  ws.send(JSON.stringify({ ...event, asterisk_id: sim.asteriskId, application: app.name }));
}

/**
 * Emit a channel event (`{channel: snapshot, ...extra}`) to the channel's subscribers, and to apps subscribed to its
 * endpoint (`endpoint:PJSIP`, `endpoint:PJSIP/1001`): Asterisk forwards a channel's topic to its endpoint's, so such
 * an app sees every PJSIP channel's events, also of channels never in Stasis (a fallback `Dial()`). StasisEnd stays
 * the app's own. (A real Asterisk sends an app subscribed both ways each such event twice; the double sends it once.)
 */
export function emitChannel(sim: Sim, type: string, ch: Channel, extra: Record<string, unknown> = {}): void {
  emit(sim, type, { ...extra, channel: channelSnapshot(ch) }, channelScope(ch, type !== 'StasisEnd'));
}

/** Who hears of a channel: its subscribers, and (`viaEndpoint`) the subscribers of its PJSIP endpoint. */
export function channelScope(ch: Channel, viaEndpoint = true): EventScope {
  const endpoint = viaEndpoint && ch.endpointId && ch.name.startsWith('PJSIP/') ? `PJSIP/${ch.endpointId}` : undefined;
  return endpoint ? { channels: [ch], endpoint } : { channels: [ch] };
}

/** `ChannelVarset` in Asterisk's field order (variable, value, then type). */
export function emitVarset(sim: Sim, ch: Channel, variable: string, value: string): void {
  for (const app of sim.apps.values()) {
    if (!app.channels.has(ch.id)) continue;
    sendToApp(sim, app, {
      variable,
      value,
      type: 'ChannelVarset',
      timestamp: timestamp(),
      channel: channelSnapshot(ch),
    } as AriEvent);
  }
}

/** Subscribe an application to a channel (created on demand, like Asterisk's stasis app registry). */
export function subscribeChannel(sim: Sim, appName: string, ch: Channel): void {
  ensureApp(sim, appName).channels.add(ch.id);
}

export function unsubscribeChannel(sim: Sim, ch: Channel): void {
  for (const app of sim.apps.values()) app.channels.delete(ch.id);
}

export function subscribeBridge(sim: Sim, appName: string, br: Bridge): void {
  ensureApp(sim, appName).bridges.add(br.id);
}

export function ensureApp(sim: Sim, name: string): AppState {
  let app = sim.apps.get(name);
  if (!app) {
    app = {
      name,
      channels: new Set(),
      bridges: new Set(),
      endpoints: new Set(),
      devices: new Set(),
      allowed: [],
      disallowed: [],
    };
    sim.apps.set(name, app);
  }
  return app;
}

export function appConnected(sim: Sim, name: string): boolean {
  const ws = sim.apps.get(name)?.socket;
  return !!ws && ws.readyState === ws.OPEN;
}
