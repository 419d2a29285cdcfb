/**
 * The outside world of trunks: a carrier is a SIP peer at an address, never registered. Asterisk tells its requests
 * from the phones' by its source address (`identify` objects, `endpoint_identifier_order = ip,…`), and sends calls to
 * a trunk to the aor's contact or to the URI in the dial string (`PJSIP/trunk-x/sip:+1…@host:port`).
 */
import type { Sim } from './sim.js';
import type { CallerId } from './types.js';
import type { PhoneCall } from './phone-types.js';
import type { SimPhone } from './phones.js';
import { enterStasis } from './channels.js';
import { sipChannel } from './calls.js';
import { appConnected } from './events.js';

export const carrierPhoneId = (address: string) => `carrier@${address}`;

/** `sip:+1555@127.0.0.2:5060;transport=tcp` → user and `host:port`. */
export function parseSipUri(uri: string): { user: string; address: string } | undefined {
  const m = /^sips?:(?:([^@;]*)@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?/.exec(uri.trim());
  if (!m) return undefined;
  return { user: m[1] ?? '', address: `${m[2]}:${m[3] ?? '5060'}` };
}

const ipv4 = (ip: string) => ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;

/** Whether an IPv4 address is one `match` entry (an address or a CIDR); IPv6 entries match only exactly. */
function matches(entry: string, ip: string): boolean {
  const [net, bits] = entry.split('/');
  if (!net || !/^\d+\.\d+\.\d+\.\d+$/.test(net) || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return entry === ip;
  const prefix = bits === undefined ? 32 : Number(bits);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (ipv4(net) & mask) === (ipv4(ip) & mask);
}

/** The endpoint whose identify matches a request from this address (res_pjsip_endpoint_identifier_ip). */
export function identifyEndpoint(sim: Sim, ip: string): string | undefined {
  for (const [, fields] of sim.config.objectsOf('identify')) {
    const endpoint = fields.get('endpoint') ?? '';
    const entries = (fields.get('match') ?? '').split(',').map((e) => e.trim()).filter(Boolean);
    if (endpoint && sim.config.endpointExists(endpoint) && entries.some((e) => matches(e, ip))) return endpoint;
  }
  return undefined;
}

/** The carrier a URI points at, if one listens at its address. */
export function carrierAt(sim: Sim, uri: string): SimPhone | undefined {
  const parsed = parseSipUri(uri);
  return parsed ? sim.phones.get(carrierPhoneId(parsed.address)) : undefined;
}

/**
 * Where an originate or create to a trunk goes: `PJSIP/<endpoint>/<uri>` (the URI as Request-URI) or
 * `PJSIP/<user>@<endpoint>` (the aor's contact with that user). Undefined: not a trunk dial string.
 */
export function trunkDestination(
  sim: Sim,
  endpoint: string,
): { endpointId: string; requestUri: string; phone: SimPhone | undefined } | undefined {
  const withUri = /^PJSIP\/([^/@]+)\/(sips?:.+)$/i.exec(endpoint);
  if (withUri?.[1] && withUri[2]) {
    if (!sim.config.endpointExists(withUri[1])) return undefined;
    return { endpointId: withUri[1], requestUri: withUri[2], phone: carrierAt(sim, withUri[2]) };
  }
  const withUser = /^PJSIP\/([^/@]+)@([^/@]+)$/i.exec(endpoint);
  if (!withUser?.[1] || !withUser[2] || !sim.config.endpointExists(withUser[2])) return undefined;
  const contact = sim.config.aorContact(withUser[2]);
  const parsed = contact ? parseSipUri(contact) : undefined;
  if (!parsed) return undefined;
  const requestUri = `sip:${withUser[1]}@${parsed.address}`;
  return { endpointId: withUser[2], requestUri, phone: carrierAt(sim, requestUri) };
}

/**
 * The carrier sends an INVITE to the PBX: identified by its address (else 401, as Asterisk challenges an unknown
 * peer), the channel is `PJSIP/<trunk endpoint>-…` in the endpoint's context; `from-trunk` runs
 * `Stasis(pbx,${EXTEN},inbound)`. The caller ID is what the carrier put in its From.
 */
export function carrierDial(sim: Sim, carrier: SimPhone, call: PhoneCall, exten: string, from: CallerId): void {
  sim.later(sim.opts.sipDelayMs, () => {
    if (call.state === 'closed') return;
    const ip = (carrier.address ?? '').replace(/:\d+$/, '');
    const endpointId = identifyEndpoint(sim, ip);
    if (!endpointId) return carrier.close(call, 401, 'remote');
    const context = sim.config.endpointField(endpointId, 'context') || 'default';
    // `[from-trunk]` has only `_X.` and `_+.`: anything else (`*76`, `#72`) matches no extension, and chan_pjsip
    // answers 404 before any dialplan runs.
    if (context === 'from-trunk' && !/^[0-9+]./.test(exten)) return carrier.close(call, 404, 'remote');
    if (!appConnected(sim, 'pbx')) return carrier.close(call, 503, 'remote');
    const dialplan = { context, exten, priority: 2, app_name: 'Stasis', app_data: '' };
    const ch = sipChannel(sim, endpointId, { origin: 'inbound', state: 'Ring', dialplan, caller: { ...from } });
    call.channelId = ch.id;
    enterStasis(sim, ch, 'pbx', context === 'from-trunk' ? [exten, 'inbound'] : [exten]);
  });
}
