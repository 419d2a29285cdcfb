/** SIP REFER from phones: core blind transfer (Local pair + BridgeBlindTransfer) or `ari-only` (ChannelTransfer). */
import type { Sim } from './sim.js';
import type { Bridge, Channel } from './types.js';
import type { PhoneCall } from './phone-types.js';
import type { SimPhone } from './phones.js';
import { bridgeSnapshot, channelSnapshot, emit, emitChannel, appConnected } from './events.js';
import { createChannel, enterStasis, requestHangup, setState } from './channels.js';
import { recompute, swapInBridge } from './bridges.js';
import { phoneSide } from './phone-side.js';
import { emitDial } from './outbound.js';
import { STASIS_APP } from './calls.js';

interface PendingTransfer {
  referTo: Record<string, unknown>;
  phone: SimPhone;
  call: PhoneCall;
  /** A NOTIFY went out already (res_pjsip_refer defers the initial `100 Trying` under ari-only until the first). */
  notified?: boolean;
}
const pending = new WeakMap<Sim, Map<string, PendingTransfer>>();

function pendingOf(sim: Sim): Map<string, PendingTransfer> {
  let m = pending.get(sim);
  if (!m) pending.set(sim, (m = new Map()));
  return m;
}

function bridgeOf(sim: Sim, ch: Channel): Bridge | undefined {
  return ch.bridgeId ? sim.bridges.get(ch.bridgeId) : undefined;
}

function soleOther(sim: Sim, br: Bridge | undefined, ch: Channel): Channel | undefined {
  const others = (br?.channels ?? []).filter((id) => id !== ch.id);
  return others.length === 1 ? sim.liveChannel(others[0] ?? '') : undefined;
}

/** source_channel, connected_channel (the single other member, if any), bridge. */
function side(sim: Sim, ch: Channel, key: 'source_channel' | 'destination_channel'): Record<string, unknown> {
  const br = bridgeOf(sim, ch);
  const out: Record<string, unknown> = { [key]: channelSnapshot(ch) };
  const other = soleOther(sim, br, ch);
  if (other) out.connected_channel = channelSnapshot(other);
  if (br) out.bridge = bridgeSnapshot(br);
  return out;
}

function handling(ch: Channel): string {
  return ch.vars.get('PJSIP_TRANSFER_HANDLING()') ?? 'core';
}

function taint(sim: Sim, ch: Channel): void {
  ch.transferTainted = true;
  const br = bridgeOf(sim, ch);
  if (br) recompute(sim, br);
}

/** Blind transfer (REFER without Replaces). */
export function phoneRefer(sim: Sim, phone: SimPhone, call: PhoneCall, target: string): void {
  const ch = call.channelId ? sim.liveChannel(call.channelId) : undefined;
  if (!ch) return;
  if (handling(ch) === 'ari-only') {
    const referTo = { requested_destination: { destination: target } };
    pendingOf(sim).set(ch.id, { referTo, phone, call });
    emit(
      sim,
      'ChannelTransfer',
      { refer_to: referTo, referred_by: side(sim, ch, 'source_channel') },
      { channels: [ch] },
    );
    return taint(sim, ch);
  }
  coreBlindTransfer(sim, phone, call, ch, target);
}

/** Attended transfer: REFER on `call` with Replaces = `consultation`'s dialog. */
export function phoneAttendedRefer(
  sim: Sim,
  phone: SimPhone,
  call: PhoneCall,
  consultation: PhoneCall,
): void {
  const ch = call.channelId ? sim.liveChannel(call.channelId) : undefined;
  const ch2 = consultation.channelId ? sim.liveChannel(consultation.channelId) : undefined;
  if (!ch || !ch2) return;
  const referTo = {
    requested_destination: { protocol_id: ch2.protocolId },
    ...side(sim, ch2, 'destination_channel'),
  };
  pendingOf(sim).set(ch.id, { referTo, phone, call });
  emit(
    sim,
    'ChannelTransfer',
    { refer_to: referTo, referred_by: side(sim, ch, 'source_channel') },
    { channels: [ch, ch2] },
  );
  taint(sim, ch);
}

const NOTIFY: Record<string, number> = {
  channel_progress: 100,
  channel_answered: 200,
  channel_unavailable: 503,
  channel_declined: 603,
};

/** POST /channels/{id}/transfer_progress: echo ChannelTransfer, NOTIFY the phone, end its call when done. */
export function transferProgress(sim: Sim, ch: Channel, state: string): boolean {
  const status = NOTIFY[state];
  if (status === undefined) return false;
  const p = pendingOf(sim).get(ch.id);
  if (!p) return true;
  const echo = state === 'channel_unavailable' ? 'channel_declined' : state;
  emit(
    sim,
    'ChannelTransfer',
    { refer_to: p.referTo, referred_by: side(sim, ch, 'source_channel'), state: echo },
    { channels: [ch] },
  );
  if (!p.notified && status !== 100) phoneSide.notify(sim, ch, 100);
  p.notified = true;
  phoneSide.notify(sim, ch, status);
  if (status < 200) return true;
  pendingOf(sim).delete(ch.id);
  if (status >= 300) p.call.transferFailed = true;
  if (status >= 300) p.phone.record('transfer-failed', p.call.id, status);
  sim.later(sim.opts.sipDelayMs + 2, () => transfererLeaves(sim, p, ch, status === 200 ? 16 : undefined));
  return true;
}

/**
 * Asterisk hangs up a transferer whose ari-only transfer was never finished: the REFER's frame hook goes with the
 * channel and its destroy callback sends the final NOTIFY `503` (after the deferred `100` if none went out yet), then
 * the BYE (res_pjsip_refer.c `refer_progress_framehook_destroy`; measured: NOTIFY 100, NOTIFY 503, BYE).
 */
export function endPendingTransfer(sim: Sim, ch: Channel): void {
  const p = pendingOf(sim).get(ch.id);
  if (!p) return;
  pendingOf(sim).delete(ch.id);
  if (!p.notified) phoneSide.notify(sim, ch, 100);
  phoneSide.notify(sim, ch, 503);
}

/** The transferer's phone hangs up its own call: cause 16 after a completed transfer, plain BYE otherwise. */
function transfererLeaves(sim: Sim, p: PendingTransfer, ch: Channel, cause: number | undefined): void {
  p.phone.close(p.call, 200, 'local');
  requestHangup(sim, ch, { cause, fromPhone: true });
}

function coreBlindTransfer(sim: Sim, phone: SimPhone, call: PhoneCall, ch: Channel, target: string): void {
  const br = bridgeOf(sim, ch);
  const peer = soleOther(sim, br, ch);
  if (!br || !peer || !appConnected(sim, STASIS_APP)) return;
  const before = { ch: channelSnapshot(ch), peer: channelSnapshot(peer), br: bridgeSnapshot(br) };
  emitChannel(sim, 'ChannelUnhold', ch);
  emit(
    sim,
    'ChannelVarset',
    { variable: 'BLINDTRANSFER', value: ch.name, channel: channelSnapshot(peer) },
    { channels: [peer] },
  );
  emit(
    sim,
    'ChannelVarset',
    { variable: 'BLINDTRANSFER', value: peer.name, channel: channelSnapshot(ch) },
    { channels: [ch] },
  );
  const [one, two] = localPair(sim, target);
  const oneAtCreation = channelSnapshot(one);
  enterStasis(sim, two, STASIS_APP, [target]);
  enterStasis(sim, one, STASIS_APP, [], { replace_channel: channelSnapshot(ch) });
  swapInBridge(sim, br, ch, one);
  emit(
    sim,
    'BridgeBlindTransfer',
    {
      channel: before.ch,
      exten: target,
      context: 'from-internal',
      result: 'Success',
      is_external: true,
      transferee: before.peer,
      replace_channel: oneAtCreation,
      bridge: before.br,
    },
    { channels: [ch, peer, one], bridges: [br] },
  );
  ch.dropSubscriptionOnEnd = true;
  sim.later(sim.opts.sipDelayMs + 1, () => {
    phoneSide.notify(sim, ch, 200);
    transfererLeaves(sim, { referTo: {}, phone, call }, ch, 16);
  });
}

/** `Local/<exten>@from-internal-<n>;1` and `;2`; `;2` runs the dialplan. */
export function localPair(sim: Sim, exten: string): [Channel, Channel] {
  const base = `Local/${exten}@from-internal-${sim.nextLocalSuffix()}`;
  const dp = { context: 'from-internal', exten, priority: 1, app_name: '', app_data: '' };
  const one = createChannel(sim, {
    kind: 'local',
    origin: 'local',
    name: `${base};1`,
    state: 'Down',
    dialplan: dp,
  });
  const two = createChannel(sim, {
    kind: 'local',
    origin: 'local',
    name: `${base};2`,
    state: 'Ring',
    dialplan: { ...dp, priority: 2 },
  });
  one.localPartnerId = two.id;
  two.localPartnerId = one.id;
  one.clearBlindTransferOnBridge = true;
  two.clearBlindTransferOnBridge = true;
  return [one, two];
}

/** Answering the dialplan half (`;2`) of a Local pair answers both halves. */
export function answerLocal(sim: Sim, two: Channel): void {
  const one = two.localPartnerId ? sim.liveChannel(two.localPartnerId) : undefined;
  if (one?.bridgeId) two.caller = { ...(soleOther(sim, bridgeOf(sim, one), one)?.caller ?? two.caller) };
  setState(sim, two, 'Up');
  emitChannel(sim, 'ChannelCallerId', two, {
    caller_presentation: 0,
    caller_presentation_txt: 'Presentation Allowed, Not Screened',
  });
  if (!one) return;
  setState(sim, one, 'Up');
  emitDial(sim, one, 'ANSWER', '');
}
