/**
 * Bridges: membership, technology (simple_bridge / native_rtp / softmix / holding_bridge),
 * BRIDGEPEER bookkeeping, connected-line updates, and the BridgeDestroyed rules measured on Asterisk 22.
 */
import type { Sim } from './sim.js';
import { timestamp } from './sim.js';
import type { Bridge, BridgeTechnology, Channel } from './types.js';
import { bridgeSnapshot, channelSnapshot, emit, subscribeBridge } from './events.js';
import { setConnected, setVarQuiet } from './channels.js';

/** `mixing`, `holding`, `mixing,dtmf_events` (events), `dtmf_events,mixing` (no events, as measured). */
export function createBridge(sim: Sim, id: string, type: string, name: string): Bridge {
  const types = type.split(',').map((t) => t.trim());
  const holding = types.includes('holding');
  const br: Bridge = {
    id,
    name,
    bridgeType: holding ? 'holding' : 'mixing',
    dtmfEvents: types.indexOf('dtmf_events') > types.indexOf('mixing') && types.includes('mixing'),
    technology: holding ? 'holding_bridge' : 'simple_bridge',
    channels: [],
    creationtime: timestamp(),
    deleted: false,
    pinnedBy: new Set(),
  };
  sim.bridges.set(id, br);
  return br;
}

function hasSnoop(sim: Sim, ch: Channel): boolean {
  return [...sim.channels.values()].some((s) => s.snoop?.targetId === ch.id && !s.gone);
}

export function computeTechnology(sim: Sim, br: Bridge): BridgeTechnology {
  if (br.bridgeType === 'holding') return 'holding_bridge';
  const members = br.channels.map((id) => sim.channels.get(id)).filter((c): c is Channel => !!c);
  if (members.length >= 3) return 'softmix';
  const native =
    members.length === 2 &&
    !br.dtmfEvents &&
    members.every((c) => c.kind === 'pjsip' && !c.transferTainted && !hasSnoop(sim, c));
  return native ? 'native_rtp' : 'simple_bridge';
}

export function recompute(sim: Sim, br: Bridge): void {
  br.technology = computeTechnology(sim, br);
}

/** BRIDGEPEER / BRIDGEPVTCALLID for every member of a bridge with two or more members. */
function updatePeers(sim: Sim, br: Bridge): void {
  if (br.bridgeType === 'holding' || br.channels.length < 2) return;
  const members = br.channels.map((id) => sim.channels.get(id)).filter((c): c is Channel => !!c);
  for (const m of members) {
    const others = members.filter((o) => o !== m);
    setVarQuiet(sim, m, 'BRIDGEPEER', others.map((o) => o.name).join(','));
    if (others.length === 1) setVarQuiet(sim, m, 'BRIDGEPVTCALLID', others[0]?.protocolId ?? '');
  }
}

/** In a two-party mixing bridge each side's connected line becomes the other side's caller id. */
function updateConnectedLines(sim: Sim, br: Bridge): void {
  if (br.bridgeType === 'holding' || br.channels.length !== 2) return;
  const [a, b] = br.channels.map((id) => sim.channels.get(id));
  if (!a || !b) return;
  const aCaller = { ...a.caller };
  setConnected(sim, b, aCaller);
  setConnected(sim, a, b.caller);
}

/** Add channels (already validated) to a bridge, moving them out of any other bridge first. */
export function addChannels(sim: Sim, br: Bridge, chans: Channel[]): void {
  for (const ch of chans) {
    if (ch.bridgeId === br.id) continue;
    const from = ch.bridgeId ? sim.bridges.get(ch.bridgeId) : undefined;
    if (from) leaveBridge(sim, ch, 'move');
    enterBridge(sim, br, ch);
    if (from) pinAfterMove(sim, ch, from);
  }
  updateConnectedLines(sim, br);
}

/** ChannelEnteredBridge shows the technology from before the bridge re-evaluates itself. */
export function enterBridge(sim: Sim, br: Bridge, ch: Channel): void {
  br.channels.push(ch.id);
  ch.bridgeId = br.id;
  if (ch.app) subscribeBridge(sim, ch.app, br);
  emit(
    sim,
    'ChannelEnteredBridge',
    { bridge: bridgeSnapshot(br), channel: channelSnapshot(ch) },
    { channels: [ch], bridges: [br] },
  );
  if (ch.clearBlindTransferOnBridge) {
    ch.clearBlindTransferOnBridge = false;
    ch.vars.set('BLINDTRANSFER', '');
    emitVarsetAlways(sim, ch, 'BLINDTRANSFER', '');
  }
  recompute(sim, br);
  updatePeers(sim, br);
}

function emitVarsetAlways(sim: Sim, ch: Channel, name: string, value: string): void {
  emit(sim, 'ChannelVarset', { variable: name, value, channel: channelSnapshot(ch) }, { channels: [ch] });
}

export type LeaveReason = 'hangup' | 'move' | 'remove' | 'swap';

/** ChannelLeftBridge; the snapshot keeps the old technology unless the bridge is now empty. */
export function leaveBridge(sim: Sim, ch: Channel, why: LeaveReason): void {
  const br = ch.bridgeId ? (sim.bridges.get(ch.bridgeId) ?? zombie(sim, ch.bridgeId)) : undefined;
  ch.bridgeId = undefined;
  if (!br) return;
  setVarQuiet(sim, ch, 'BRIDGEPEER', '');
  setVarQuiet(sim, ch, 'BRIDGEPVTCALLID', '');
  br.channels = br.channels.filter((id) => id !== ch.id);
  if (why !== 'swap' && br.channels.length === 0) recompute(sim, br);
  emit(
    sim,
    'ChannelLeftBridge',
    { bridge: bridgeSnapshot(br), channel: channelSnapshot(ch) },
    { channels: [ch], bridges: [br] },
  );
  if (why === 'swap') return;
  recompute(sim, br);
  if (br.channels.length === 0) br.moh = undefined;
  updatePeers(sim, br);
  updateConnectedLines(sim, br);
}

const zombies = new WeakMap<Sim, Map<string, Bridge>>();
function zombie(sim: Sim, id: string): Bridge | undefined {
  return zombies.get(sim)?.get(id);
}

/**
 * A channel moved out of bridge `from` keeps it alive: deleting `from` is deferred. Its next move
 * releases the previous pin and delivers the late BridgeDestroyed (recording 07); a hang-up releases
 * it silently (recordings 07 and 09).
 */
function pinAfterMove(sim: Sim, ch: Channel, from: Bridge): void {
  if (ch.pinnedBridgeId) releasePin(sim, ch, 'move');
  ch.pinnedBridgeId = from.id;
  from.pinnedBy.add(ch.id);
}

export function releasePin(sim: Sim, ch: Channel, how: 'move' | 'hangup'): void {
  const id = ch.pinnedBridgeId;
  ch.pinnedBridgeId = undefined;
  if (!id) return;
  const br = sim.bridges.get(id) ?? zombie(sim, id);
  if (!br) return;
  br.pinnedBy.delete(ch.id);
  if (how === 'hangup') for (const app of sim.apps.values()) app.bridges.delete(br.id);
  if (br.deleted && br.pinnedBy.size === 0) destroyBridge(sim, br);
}

/** DELETE /bridges/{id}: members leave; BridgeDestroyed goes to subscribers unless the bridge is pinned. */
export function deleteBridge(sim: Sim, br: Bridge): void {
  sim.recordings.bridgeGone(br);
  for (const id of [...br.channels]) {
    const ch = sim.channels.get(id);
    if (ch) leaveBridge(sim, ch, 'remove');
  }
  br.deleted = true;
  sim.bridges.delete(br.id);
  if (br.pinnedBy.size > 0) {
    if (!zombies.has(sim)) zombies.set(sim, new Map());
    zombies.get(sim)?.set(br.id, br);
    return;
  }
  destroyBridge(sim, br);
}

function destroyBridge(sim: Sim, br: Bridge): void {
  zombies.get(sim)?.delete(br.id);
  br.technology = computeTechnology(sim, { ...br, channels: [] });
  emit(sim, 'BridgeDestroyed', { bridge: bridgeSnapshot(br) }, { bridges: [br] });
  for (const app of sim.apps.values()) app.bridges.delete(br.id);
}

/** Swap one member for another in place (core blind transfer): no re-evaluation in between. */
export function swapInBridge(sim: Sim, br: Bridge, out: Channel, inn: Channel): void {
  leaveBridge(sim, out, 'swap');
  enterBridge(sim, br, inn);
  updateConnectedLines(sim, br);
}
