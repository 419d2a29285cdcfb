/** What a phone's SIP actions do inside the simulated Asterisk: dial-in, answer, reject, BYE, DTMF, hold. */
import type { Sim } from './sim.js';
import type { Channel } from './types.js';
import type { PhoneCall } from './phone-types.js';
import type { SimPhone } from './phones.js';
import { appConnected, emitChannel } from './events.js';
import {
  causeForSipStatus,
  createChannel,
  enterStasis,
  requestHangup,
  setState,
  teardown,
} from './channels.js';
import { phoneSide } from './phone-side.js';
import { emitDial } from './outbound.js';

export const STASIS_APP = 'pbx';

/** A new SIP channel for an endpoint, named like `PJSIP/1001-0000002e`. */
export function sipChannel(
  sim: Sim,
  endpointId: string,
  init: Partial<Parameters<typeof createChannel>[1]> &
    Pick<Parameters<typeof createChannel>[1], 'origin' | 'state' | 'dialplan'>,
): Channel {
  return createChannel(sim, {
    kind: 'pjsip',
    name: `PJSIP/${endpointId}-${sim.nextPjsipSuffix()}`,
    endpointId,
    protocolId: randomHex(16),
    caller: sim.config.callerIdOf(endpointId),
    ...init,
  });
}

function randomHex(n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/**
 * The project's dialplan: context from-internal, every exten → Stasis(pbx,${EXTEN}); when no app
 * WebSocket is connected Stasis fails at once and the fallback Dial(PJSIP/${EXTEN}) bridges natively.
 */
export function phoneDial(sim: Sim, phone: SimPhone, call: PhoneCall, exten: string): void {
  sim.later(sim.opts.sipDelayMs, () => {
    if (call.state === 'closed') return;
    if (!appConnected(sim, STASIS_APP)) return fallbackDial(sim, phone, call, exten);
    const dialplan = { context: 'from-internal', exten, priority: 2, app_name: 'Stasis', app_data: '' };
    const ch = sipChannel(sim, phone.id, { origin: 'inbound', state: 'Ring', dialplan });
    call.channelId = ch.id;
    enterStasis(sim, ch, STASIS_APP, [exten]);
  });
}

function fallbackDial(sim: Sim, phone: SimPhone, call: PhoneCall, exten: string): void {
  const dialplan = {
    context: 'from-internal',
    exten,
    priority: 3,
    app_name: 'Dial',
    app_data: `PJSIP/${exten}`,
  };
  const a = sipChannel(sim, phone.id, { origin: 'fallback', state: 'Ring', dialplan });
  call.channelId = a.id;
  const callee = sim.config.registeredPhone(exten);
  if (!callee) {
    a.state = 'Down';
    teardown(sim, a);
    phone.close(call, sim.config.endpointExists(exten) ? 480 : 404, 'remote');
    return;
  }
  const b = sipChannel(sim, exten, {
    origin: 'fallback',
    state: 'Down',
    connected: { ...a.caller },
    dialplan: {
      context: 'from-internal',
      exten: 's',
      priority: 1,
      app_name: 'AppDial',
      app_data: '(Outgoing Line)',
    },
  });
  a.fallbackPeerId = b.id;
  b.fallbackPeerId = a.id;
  // Events reach only apps subscribed to the endpoint (no app is connected now, but one may be by the answer).
  setState(sim, b, 'Ringing');
  phoneSide.invite(sim, b, callee);
  phone.receiveRinging(a.id);
}

/** The phone answered an INVITE that Asterisk sent it. */
export function phoneAnswers(sim: Sim, phone: SimPhone, call: PhoneCall): void {
  phone.markEstablished(call);
  const ch = call.channelId ? sim.liveChannel(call.channelId) : undefined;
  if (!ch) return;
  sim.cancel(ch.dialTimer);
  if (ch.origin === 'fallback') return answerFallback(sim, ch);
  setState(sim, ch, 'Up');
  if (ch.origin === 'local') return;
  emitDial(sim, ch, 'ANSWER');
  if (ch.origin === 'originate' && ch.app) enterStasis(sim, ch, ch.app, ch.appArgs);
}

function answerFallback(sim: Sim, b: Channel): void {
  setState(sim, b, 'Up');
  const a = b.fallbackPeerId ? sim.liveChannel(b.fallbackPeerId) : undefined;
  if (!a) return;
  setState(sim, a, 'Up');
  a.connected = { ...b.caller };
  b.connected = { ...a.caller };
  phoneSide.answered(sim, a);
}

/** The phone answered an INVITE with a final error (e.g. 486 Busy Here). */
export function phoneRejects(sim: Sim, phone: SimPhone, call: PhoneCall, status: number): void {
  phone.close(call, status, 'local');
  const ch = call.channelId ? sim.liveChannel(call.channelId) : undefined;
  if (!ch) return;
  if (ch.origin === 'fallback') return endFallback(sim, ch, status);
  const cause = causeForSipStatus(status);
  if (ch.origin === 'originate' && !ch.inStasis) emitDial(sim, ch, dialStatusFor(status));
  requestHangup(sim, ch, {
    cause,
    techCause: status,
    destroyCause: cause,
    destroyTechCause: status,
    fromPhone: true,
  });
}

function dialStatusFor(status: number): string {
  if (status === 486 || status === 600) return 'BUSY';
  if (status === 480 || status === 408) return 'NOANSWER';
  return 'CHANUNAVAIL';
}

/** BYE from the phone (or CANCEL of its own unanswered call). */
export function phoneHangsUp(sim: Sim, phone: SimPhone, call: PhoneCall): void {
  const status = call.state === 'established' ? 200 : 487;
  phone.close(call, status, 'local');
  const ch = call.channelId ? sim.liveChannel(call.channelId) : undefined;
  if (!ch) return;
  if (ch.origin === 'fallback') return endFallback(sim, ch, 487);
  requestHangup(sim, ch, { fromPhone: true });
}

function endFallback(sim: Sim, ch: Channel, status: number): void {
  const other = ch.fallbackPeerId ? sim.liveChannel(ch.fallbackPeerId) : undefined;
  if (other) {
    phoneSide.channelHungUp(sim, other, status === 487 && other.state !== 'Up' ? 487 : status);
    teardown(sim, other);
  }
  teardown(sim, ch);
}

/** DTMF from a phone: ChannelDtmfReceived unless the channel's bridge runs native_rtp. */
export function phoneSendsDtmf(sim: Sim, call: PhoneCall, digits: string): void {
  [...digits].forEach((digit, i) => {
    sim.later(i * sim.opts.dtmfGapMs, () => {
      const ch = call.channelId ? sim.liveChannel(call.channelId) : undefined;
      if (!ch) return;
      const br = ch.bridgeId ? sim.bridges.get(ch.bridgeId) : undefined;
      if (br?.technology === 'native_rtp') {
        const peer = sim.liveChannel(br.channels.find((id) => id !== ch.id) ?? '');
        if (peer) phoneSide.dtmf(sim, peer, digit);
        return;
      }
      if (ch.fallbackPeerId) {
        const peer = sim.liveChannel(ch.fallbackPeerId);
        if (peer) phoneSide.dtmf(sim, peer, digit);
        return;
      }
      if (!ch.inStasis) return;
      emitChannel(sim, 'ChannelDtmfReceived', ch, { digit, duration_ms: 180 });
      sim.recordings.dtmf(ch, digit);
    });
  });
}

/** re-INVITE with sendonly / sendrecv. */
export function phoneHold(sim: Sim, call: PhoneCall, hold: boolean): void {
  call.onHold = hold;
  const ch = call.channelId ? sim.liveChannel(call.channelId) : undefined;
  if (!ch || ch.onHold === hold) return;
  ch.onHold = hold;
  emitChannel(sim, hold ? 'ChannelHold' : 'ChannelUnhold', ch);
}
