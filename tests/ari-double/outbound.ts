/** App-made channels: originate (POST /channels) and create + dial (POST /channels/create, /dial). */
import type { Sim } from './sim.js';
import type { CallerId, Channel } from './types.js';
import { channelSnapshot, emit, emitChannel, subscribeChannel } from './events.js';
import { enterStasis, requestHangup, setConnected, setState, teardown } from './channels.js';
import { sipChannel } from './calls.js';
import { phoneSide } from './phone-side.js';
import { applyVariables } from './variables.js';
import { trunkDestination } from './trunks.js';
import type { SimPhone } from './phones.js';

export class AllocationFailed extends Error {}

export interface OutboundParams {
  endpoint: string;
  app: string;
  appArgs: string[];
  channelId?: string;
  callerId?: string;
  timeoutSec?: number;
  variables: Record<string, string>;
}

/** `Dial` events carry peer, dialstatus, dialstring and forward, never `caller`. */
export function emitDial(sim: Sim, peer: Channel, dialstatus: string, dialstring?: string): void {
  const ds = dialstring ?? (peer.origin === 'originate' ? (peer.endpointId ?? '') : '');
  emit(
    sim,
    'Dial',
    { dialstatus, forward: '', dialstring: ds, peer: channelSnapshot(peer) },
    { channels: [peer] },
  );
}

/** `PJSIP/1002` → the endpoint id, if it has a registered contact; else Allocation failed. */
function reachableEndpoint(sim: Sim, endpoint: string): string {
  const m = /^PJSIP\/([^/@]+)$/i.exec(endpoint);
  const id = m?.[1];
  // A permanent contact (an AOR re-pushed while registered) is called like any contact, answered or not.
  if (!id || !(sim.config.registeredPhone(id) || sim.config.hasPermanentContact(id)))
    throw new AllocationFailed();
  return id;
}

export function parseCallerId(s: string | undefined): CallerId {
  if (!s) return { name: '', number: '' };
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(s);
  return m ? { name: m[1] ?? '', number: m[2] ?? '' } : { name: '', number: s.trim() };
}

/** A trunk dial string (`PJSIP/trunk-x/sip:…`, `PJSIP/+1…@trunk-x`) or a phone's endpoint. */
function destinationOf(sim: Sim, endpoint: string): { endpointId: string; sipTarget?: Channel['sipTarget'] } {
  const trunk = trunkDestination(sim, endpoint);
  if (!trunk) return { endpointId: reachableEndpoint(sim, endpoint) };
  const sipTarget = { requestUri: trunk.requestUri, ...(trunk.phone ? { phoneId: trunk.phone.id } : {}) };
  return { endpointId: trunk.endpointId, sipTarget };
}

/** Whom the INVITE of this leg reaches: the carrier at a trunk's URI, or the endpoint's registered phone. */
function calleeOf(sim: Sim, ch: Channel, endpointId: string): SimPhone | undefined {
  if (ch.sipTarget) return ch.sipTarget.phoneId ? sim.phones.get(ch.sipTarget.phoneId) : undefined;
  return sim.config.registeredPhone(endpointId);
}

/** POST /channels with app: rings the phone at once; the leg enters Stasis only when answered. */
export function originate(sim: Sim, p: OutboundParams): Channel {
  const at = performance.now();
  const { endpointId, sipTarget } = destinationOf(sim, p.endpoint);
  const cid = parseCallerId(p.callerId);
  const dialplan = {
    context: 'from-internal',
    exten: 's',
    priority: 1,
    app_name: 'AppDial2',
    app_data: '(Outgoing Line)',
  };
  const ch = sipChannel(sim, endpointId, {
    id: p.channelId,
    origin: 'originate',
    state: 'Down',
    caller: cid,
    connected: cid,
    dialplan,
  });
  ch.app = p.app;
  ch.appArgs = p.appArgs;
  if (sipTarget) ch.sipTarget = sipTarget;
  // callerId, then the variables, then the subscription (resource_channels.c): the app sees no event for them.
  applyVariables(sim, ch, p.variables);
  subscribeChannel(sim, p.app, ch);
  sim.trace(() => ({ kind: 'originate-request', at, channelId: ch.id, endpointId }));
  sim.later(sim.opts.sipDelayMs, () => ringOriginated(sim, ch, endpointId, p.timeoutSec ?? 30));
  return ch;
}

function ringOriginated(sim: Sim, ch: Channel, endpointId: string, timeoutSec: number): void {
  const phone = calleeOf(sim, ch, endpointId);
  // Nobody at a trunk's address: the INVITE goes unanswered until the timeout.
  if (!phone && ch.sipTarget && !ch.gone) return armDialTimeout(sim, ch, timeoutSec);
  if (ch.gone || ch.hangupRequested || !phone) return;
  setState(sim, ch, 'Ringing');
  emitDial(sim, ch, '');
  emitDial(sim, ch, 'RINGING');
  armDialTimeout(sim, ch, timeoutSec);
  phoneSide.invite(sim, ch, phone);
}

/** POST /channels/create: 200 first, then ChannelDialplan, STASISSTATUS and StasisStart (Down). */
export function createOutbound(sim: Sim, p: OutboundParams): Channel {
  const { endpointId, sipTarget } = destinationOf(sim, p.endpoint);
  const dialplan = { context: 'from-internal', exten: 's', priority: 1, app_name: '', app_data: '' };
  const at = performance.now();
  const ch = sipChannel(sim, endpointId, { id: p.channelId, origin: 'create', state: 'Down', dialplan });
  if (sipTarget) ch.sipTarget = sipTarget;
  // Subscribed first, then the variables (ast_ari_channels_create): the app gets their ChannelVarset,
  // ChannelCallerId and ChannelConnectedLine events before the response; the response shows the result.
  subscribeChannel(sim, p.app, ch);
  applyVariables(sim, ch, p.variables);
  sim.trace(() => ({ kind: 'create-request', at, channelId: ch.id, endpointId }));
  sim.later(0, () => {
    if (ch.gone) return;
    const data = [p.app, ...p.appArgs].join(',');
    ch.dialplan = { ...ch.dialplan, app_name: 'Stasis', app_data: data };
    emitChannel(sim, 'ChannelDialplan', ch, { dialplan_app: 'Stasis', dialplan_app_data: data });
    enterStasis(sim, ch, p.app, p.appArgs);
  });
  return ch;
}

/** POST /channels/{id}/dial: connected line from `caller` at once; Dial "", Ringing, RINGING shortly after. */
export function dialCreated(sim: Sim, ch: Channel, caller: Channel | undefined, timeoutSec: number): void {
  if (caller) setConnected(sim, ch, caller.caller);
  sim.later(sim.opts.sipDelayMs, () => {
    const phone = ch.endpointId ? calleeOf(sim, ch, ch.endpointId) : undefined;
    if (ch.gone || ch.hangupRequested) return;
    emitDial(sim, ch, '', ch.endpointId ?? '');
    if (!phone && ch.sipTarget) return armDialTimeout(sim, ch, timeoutSec);
    // Nobody behind a permanent contact: the INVITE goes unanswered until a timeout gives up.
    if (!phone && ch.endpointId && sim.config.hasPermanentContact(ch.endpointId))
      return armDialTimeout(sim, ch, timeoutSec);
    if (!phone) return requestHangup(sim, ch, { cause: 20, destroyCause: 20 });
    setState(sim, ch, 'Ringing');
    emitDial(sim, ch, 'RINGING');
    armDialTimeout(sim, ch, timeoutSec);
    phoneSide.invite(sim, ch, phone);
  });
}

function armDialTimeout(sim: Sim, ch: Channel, timeoutSec: number): void {
  if (!(timeoutSec > 0)) return;
  ch.dialTimer = sim.later(timeoutSec * 1000, () => {
    if (ch.gone || ch.state === 'Up') return;
    if (ch.origin === 'originate' && !ch.inStasis) {
      // An originate's own timeout (measured): the phone gets its CANCEL, the app only ChannelDestroyed (cause 19).
      phoneSide.channelHungUp(sim, ch, 487);
      return teardown(sim, ch, 19);
    }
    emitDial(sim, ch, 'NOANSWER');
    requestHangup(sim, ch, { cause: 19, destroyCause: 19, sipStatus: 487 });
  });
}
