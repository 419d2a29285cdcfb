/** Channel life cycle: creation, Stasis entry/exit, state changes, hang-up and tear-down. */
import type { Sim } from './sim.js';
import { timestamp } from './sim.js';
import type { CallerId, Channel, ChannelKind, ChannelOrigin, ChannelState, Dialplan } from './types.js';
import {
  emit,
  emitChannel,
  emitVarset,
  channelScope,
  channelSnapshot,
  subscribeChannel,
  unsubscribeChannel,
} from './events.js';
import { leaveBridge, releasePin } from './bridges.js';
import { failPlaybacksOf } from './playbacks.js';
import { phoneSide } from './phone-side.js';
import { endPendingTransfer } from './transfer.js';

export interface ChannelInit {
  id?: string;
  kind: ChannelKind;
  origin: ChannelOrigin;
  name: string;
  state: ChannelState;
  caller?: CallerId;
  connected?: CallerId;
  dialplan: Dialplan;
  afterStasisDialplan?: Dialplan;
  endpointId?: string;
  protocolId?: string;
}

export function emptyCaller(): CallerId {
  return { name: '', number: '' };
}

export function createChannel(sim: Sim, init: ChannelInit): Channel {
  const ch: Channel = {
    id: init.id ?? sim.nextUniqueId(),
    name: init.name,
    kind: init.kind,
    origin: init.origin,
    state: init.state,
    protocolId: init.protocolId ?? '',
    caller: init.caller ?? emptyCaller(),
    connected: init.connected ?? emptyCaller(),
    dialplan: init.dialplan,
    afterStasisDialplan: init.afterStasisDialplan ?? init.dialplan,
    creationtime: timestamp(),
    endpointId: init.endpointId,
    appArgs: [],
    inStasis: false,
    stasisEnded: false,
    vars: new Map(),
    hangupRequested: false,
    gone: false,
    transferTainted: false,
    dropSubscriptionOnEnd: false,
    clearBlindTransferOnBridge: false,
    onHold: false,
    mute: 'none',
    silence: false,
    ringing: false,
  };
  sim.channels.set(ch.id, ch);
  return ch;
}

/** App-made channels (POST /channels, /channels/create) keep their subscription until destroyed. */
export function isAppMade(ch: Channel): boolean {
  return (ch.origin === 'originate' || ch.origin === 'create') && !ch.dropSubscriptionOnEnd;
}

/** Put a channel into Stasis(app, args...) and emit StasisStart. */
export function enterStasis(
  sim: Sim,
  ch: Channel,
  app: string,
  args: string[],
  extra: Record<string, unknown> = {},
): void {
  ch.app = app;
  ch.appArgs = args;
  ch.dialplan = { ...ch.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
  if (isAppMade(ch)) emitVarset(sim, ch, 'STASISSTATUS', '');
  subscribeChannel(sim, app, ch);
  ch.inStasis = true;
  emit(sim, 'StasisStart', { args, channel: channelSnapshot(ch), ...extra }, { channels: [ch] });
  sim.trace((at) => ({
    kind: 'stasis-start',
    at,
    channelId: ch.id,
    origin: ch.origin,
    endpointId: ch.endpointId,
    args,
  }));
}

export function setState(sim: Sim, ch: Channel, state: ChannelState): void {
  if (ch.state === state) return;
  ch.state = state;
  if (state === 'Up') sim.rtp.started(ch);
  emitChannel(sim, 'ChannelStateChange', ch);
  sim.trace((at) => ({ kind: 'state-change', at, channelId: ch.id, endpointId: ch.endpointId, state }));
}

export function setConnected(sim: Sim, ch: Channel, who: CallerId): void {
  if (ch.connected.name === who.name && ch.connected.number === who.number) return;
  ch.connected = { ...who };
  emitChannel(sim, 'ChannelConnectedLine', ch);
}

/** Set a variable and emit ChannelVarset only when the value changes ("" = unset), like BRIDGEPEER. */
export function setVarQuiet(sim: Sim, ch: Channel, name: string, value: string): void {
  if ((ch.vars.get(name) ?? '') === value) return;
  ch.vars.set(name, value);
  emitVarset(sim, ch, name, value);
}

const RTP_VARS = ['RTPAUDIOQOS', 'RTPAUDIOQOSJITTER', 'RTPAUDIOQOSLOSS', 'RTPAUDIOQOSRTT', 'RTPAUDIOQOSMES'];

/**
 * The five RTCP quality variables an answered SIP channel reports when it hangs up; its sole bridge
 * peer gets the same values as `<VAR>BRIDGED`, interleaved.
 */
export function emitRtpQos(sim: Sim, ch: Channel): void {
  if (ch.kind !== 'pjsip' || ch.state !== 'Up') return;
  const br = ch.bridgeId ? sim.bridges.get(ch.bridgeId) : undefined;
  const others = (br?.channels ?? []).filter((id) => id !== ch.id);
  const sole = others.length === 1 ? sim.liveChannel(others[0] ?? '') : undefined;
  const peer = sole && !sole.hangupRequested ? sole : undefined;
  for (const v of RTP_VARS) {
    emitVarset(sim, ch, v, RTP_VALUE);
    if (peer) emitVarset(sim, peer, `${v}BRIDGED`, RTP_VALUE);
  }
}

const RTP_VALUE =
  'ssrc=0;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000';

export interface HangupHow {
  /** Fields of ChannelHangupRequest: absent for a phone's BYE. */
  cause?: number;
  soft?: boolean;
  techCause?: number;
  /** Cause for ChannelDestroyed (default 16). */
  destroyCause?: number;
  destroyTechCause?: number;
  /** What the phone receives when its call is not answered yet (SIP final status). */
  sipStatus?: number;
  /** The phone itself hung up: nothing to send to it. */
  fromPhone?: boolean;
  /** The Reason header of the CANCEL/BYE the phone receives (res_pjsip_rfc3326), when there is one to tell. */
  sipReason?: string;
}

/** Emit ChannelHangupRequest now and tear the channel down a moment later, as Asterisk does. */
export function requestHangup(sim: Sim, ch: Channel, how: HangupHow): void {
  if (ch.gone || ch.hangupRequested) return;
  ch.hangupRequested = true;
  sim.cancel(ch.dialTimer);
  emitRtpQos(sim, ch);
  const fields: Record<string, unknown> = {};
  if (how.cause !== undefined) fields.cause = how.cause;
  if (how.soft) fields.soft = true;
  if (how.techCause !== undefined) fields.tech_cause = how.techCause;
  emitChannel(sim, 'ChannelHangupRequest', ch, fields);
  if (!how.fromPhone) {
    endPendingTransfer(sim, ch);
    phoneSide.channelHungUp(sim, ch, how.sipStatus ?? sipStatusForCause(how.destroyCause ?? 16), how.sipReason);
  }
  sim.later(sim.opts.teardownDelayMs, () => teardown(sim, ch, how.destroyCause ?? 16, how.destroyTechCause));
}

/** Leave bridge, fail playbacks, StasisEnd, STASISSTATUS, end snoops, ChannelDestroyed. */
export function teardown(sim: Sim, ch: Channel, cause = 16, techCause?: number): void {
  if (ch.gone) return;
  ch.gone = true;
  if (ch.bridgeId) leaveBridge(sim, ch, 'hangup');
  failPlaybacksOf(sim, `channel:${ch.id}`);
  // ast_play_and_record_full returns on the hang-up: RecordingFinished (the file kept) before StasisEnd.
  sim.recordings.channelGone(ch);
  const partner = ch.localPartnerId ? sim.channels.get(ch.localPartnerId) : undefined;
  if (ch.kind === 'local' && (!partner || partner.gone))
    emitChannel(sim, 'ChannelHangupRequest', ch, { cause: 16 });
  leaveStasis(sim, ch);
  if (ch.pinnedBridgeId) releasePin(sim, ch, 'hangup');
  const snoops = [...sim.channels.values()].filter((s) => s.snoop?.targetId === ch.id && !s.gone);
  const finish = (): void => destroyChannel(sim, ch, cause, techCause);
  if (snoops.length === 0) finish();
  else
    sim.later(sim.opts.snoopEndDelayMs, () => {
      for (const s of snoops) teardown(sim, s);
      finish();
    });
  if (partner && !partner.gone) sim.later(1, () => teardown(sim, partner));
  phoneSide.channelGone(sim, ch);
}

/** StasisEnd (and STASISSTATUS=SUCCESS for app-made channels); dialplan legs lose the subscription. */
export function leaveStasis(sim: Sim, ch: Channel): void {
  if (!ch.inStasis) return;
  ch.inStasis = false;
  ch.stasisEnded = true;
  emitChannel(sim, 'StasisEnd', ch);
  if (isAppMade(ch)) emitVarset(sim, ch, 'STASISSTATUS', 'SUCCESS');
  else unsubscribeChannel(sim, ch);
}

function destroyChannel(sim: Sim, ch: Channel, cause: number, techCause?: number): void {
  const fields: Record<string, unknown> = { cause, cause_txt: causeText(cause) };
  if (techCause !== undefined) fields.tech_cause = techCause;
  emit(
    sim,
    'ChannelDestroyed',
    { ...fields, channel: channelSnapshot(ch, ch.afterStasisDialplan) },
    channelScope(ch),
  );
  unsubscribeChannel(sim, ch);
  sim.channels.delete(ch.id);
}

const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  27: 'Destination out of order',
  28: 'Invalid number format (incomplete number)',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  58: 'Bearer capability not available',
  127: 'Interworking, unspecified',
};

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}

/** ARI's `reason` names for DELETE /channels/{id}. */
export const REASONS: Record<string, number> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 18,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

/** chan_pjsip's hangup cause → SIP response for a call not answered yet (603 when unmapped). */
export function sipStatusForCause(cause: number): number {
  const map: Record<number, number> = {
    1: 404,
    3: 404,
    2: 404,
    34: 503,
    42: 503,
    18: 408,
    19: 480,
    20: 480,
    21: 403,
    22: 410,
    31: 480,
    28: 484,
    17: 486,
    38: 500,
    27: 502,
    29: 501,
    58: 488,
    127: 500,
    66: 503,
  };
  return map[cause] ?? 603;
}

/** pjsip's SIP response → hangup cause (for a callee's reject). */
export function causeForSipStatus(status: number): number {
  const map: Record<number, number> = {
    403: 21,
    404: 1,
    408: 18,
    410: 22,
    480: 19,
    484: 28,
    486: 17,
    500: 38,
    502: 27,
    503: 34,
    600: 17,
    603: 21,
    604: 1,
  };
  return map[status] ?? 16;
}
