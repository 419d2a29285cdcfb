/** What Asterisk sends to the simulated phones (INVITE, 180, 200, BYE, final responses, DTMF, NOTIFY). */
import type { Sim } from './sim.js';
import type { Channel, CallerId } from './types.js';
import type { PhoneCall } from './phone-types.js';
import type { SimPhone } from './phones.js';

export function callOf(sim: Sim, ch: Channel): { phone: SimPhone; call: PhoneCall } | undefined {
  for (const phone of sim.phones.values()) {
    const call = phone.calls.find((c) => c.channelId === ch.id && c.state !== 'closed');
    if (call) return { phone, call };
  }
  return undefined;
}

/** INVITE_headers a channel carries: every `PJSIP_HEADER(add,Name)` variable. */
function inviteHeaders(ch: Channel): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of ch.vars) {
    const m = /^PJSIP_HEADER\(add,(.+)\)$/.exec(k);
    if (m?.[1]) headers[m[1]] = v;
  }
  return headers;
}

function shownCaller(ch: Channel): CallerId {
  return ch.connected.number ? { ...ch.connected } : { name: 'anonymous', number: 'anonymous' };
}

export const phoneSide = {
  /** Send an INVITE for this channel to the endpoint's registered phone. */
  invite(sim: Sim, ch: Channel, phone: SimPhone): PhoneCall {
    return phone.receiveInvite(ch.id, shownCaller(ch), inviteHeaders(ch), ch.sipTarget?.requestUri);
  },
  ringback(sim: Sim, ch: Channel): void {
    callOf(sim, ch)?.phone.receiveRinging(ch.id);
  },
  answered(sim: Sim, ch: Channel): void {
    callOf(sim, ch)?.phone.receiveAnswer(ch.id);
  },
  /** The channel was hung up by Asterisk: BYE if answered, else a final response. */
  channelHungUp(sim: Sim, ch: Channel, sipStatus: number, sipReason?: string): void {
    callOf(sim, ch)?.phone.receiveEnd(ch.id, sipStatus, sipReason);
  },
  channelGone(sim: Sim, ch: Channel): void {
    callOf(sim, ch)?.phone.receiveEnd(ch.id, 603);
  },
  dtmf(sim: Sim, ch: Channel, digit: string): void {
    callOf(sim, ch)?.phone.receiveDtmf(ch.id, digit);
  },
  notify(sim: Sim, ch: Channel, status: number): void {
    callOf(sim, ch)?.phone.receiveNotify(ch.id, status);
  },
  connectedLine(sim: Sim, ch: Channel): void {
    const c = callOf(sim, ch);
    if (c && ch.connected.number) c.call.remote = { ...ch.connected };
  },
};
