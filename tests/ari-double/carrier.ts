/**
 * A carrier: the far end of a SIP trunk, as a real Asterisk sees an unregistered peer identified by its address
 * (`identify` with `match`) — it is not a registered phone: its INVITEs arrive on the trunk's endpoint `trunk-<id>`,
 * the channel is `PJSIP/trunk-<id>-0000002a` in context `from-trunk`, and the caller ID is whatever the carrier put in
 * its From (the customer's number). Its calls are otherwise a phone's: 180 and 200 reach it, it hangs up, sends DTMF.
 */
import type { Sim } from './sim.js';
import type { CallerId } from './types.js';
import type { PhoneCall } from './phone-types.js';
import { SimPhone } from './phones.js';
import { sipChannel, STASIS_APP } from './calls.js';
import { appConnected } from './events.js';
import { enterStasis } from './channels.js';

export class SimCarrier extends SimPhone {
  constructor(
    private readonly simulation: Sim,
    readonly endpointId: string,
  ) {
    super(simulation, endpointId, '', { password: '', answerMode: 'manual' });
    this.state = 'unregistered';
  }

  /** INVITE sip:<did>@pbx from the carrier's address, with the customer as caller ID. */
  callIn(did: string, caller: CallerId): PhoneCall {
    const call = this.newCall('outgoing', did, { name: '', number: did }, {});
    const sim = this.simulation;
    sim.later(sim.opts.sipDelayMs, () => {
      if (call.state === 'closed') return;
      // No identify matched the address: Asterisk challenges the INVITE, which a carrier without credentials fails.
      if (!sim.config.endpointExists(this.endpointId)) return this.close(call, 401, 'remote');
      // `from-trunk` has no fallback after Stasis: the call is refused (Hangup() on an unanswered channel).
      if (!appConnected(sim, STASIS_APP)) return this.close(call, 480, 'remote');
      const dialplan = { context: 'from-trunk', exten: did, priority: 2, app_name: 'Stasis', app_data: '' };
      const ch = sipChannel(sim, this.endpointId, { origin: 'inbound', state: 'Ring', dialplan, caller });
      call.channelId = ch.id;
      enterStasis(sim, ch, STASIS_APP, [did, 'inbound']);
    });
    return call;
  }
}

/** The carrier of trunk `<trunkId>` (endpoint `trunk-<trunkId>`, which must exist: pushed, or seeded). */
export function carrierOf(sim: Sim, trunkId: string): SimCarrier {
  const id = `trunk-${trunkId}`;
  const existing = sim.phones.get(id);
  if (existing instanceof SimCarrier) return existing;
  const carrier = new SimCarrier(sim, id);
  sim.phones.set(id, carrier);
  return carrier;
}
