import type { SipObjectType } from '../../ari/pbx.port.js';
import type { SipFields } from '../accounts/sip-objects.js';
import { trunkEndpointId } from './trunk-names.js';

/**
 * The res_pjsip sorcery objects of a trunk, as attribute -> value. Pure: what the database says a trunk is, turned
 * into what Asterisk needs; all named `trunk-<id>` (trunk-names.ts). Only `auth.password` carries a secret.
 */
export interface TrunkConfig {
  id: string;
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  username: string | null;
  password: string | null;
  register: boolean;
  match: readonly string[];
}

export interface TrunkObjects {
  id: string;
  objects: { type: SipObjectType; fields: SipFields }[];
}

/** Marks the endpoints of trunks (`accountcode`), so a reconnect removes the stale ones; not `pbx:` (accounts'). */
export const TRUNK_MARK = 'trunk:';

/** The transports of `asterisk-config/pjsip.conf`. */
export const TRANSPORT_NAMES = { udp: 'transport-udp', tcp: 'transport-tcp' } as const;

/** Seconds between OPTIONS to the carrier (the aor's contact shows reachable or not). */
export const QUALIFY_SECONDS = 60;

/**
 * Media and identity toward a carrier: the accounts' codecs, media through Asterisk, symmetric RTP and rewritten
 * contacts (NAT), never trusting the carrier's identity headers (`trust_id_inbound=no`: a From or PAI it sends is
 * shown, never believed), and sending our caller ID in PAI and RPID as well as From.
 */
const endpointBase: SipFields = {
  context: 'from-trunk',
  disallow: 'all',
  allow: 'ulaw,alaw,g722',
  direct_media: 'no',
  rtp_symmetric: 'yes',
  force_rport: 'yes',
  rewrite_contact: 'yes',
  dtmf_mode: 'rfc4733',
  trust_id_inbound: 'no',
  send_pai: 'yes',
  send_rpid: 'yes',
};

const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);
const transportParam = (transport: TrunkConfig['transport']) =>
  transport === 'tcp' ? ';transport=tcp' : '';

/** `sip:<host>:<port>` (IPv6 in brackets), with `;transport=tcp` for TCP. */
export const carrierUri = (trunk: Pick<TrunkConfig, 'host' | 'port' | 'transport'>, user?: string) =>
  `sip:${user ? `${user}@` : ''}${hostPart(trunk.host)}:${trunk.port}${transportParam(trunk.transport)}`;

/** What a call to an outside number dials: the trunk's endpoint with the number in the Request-URI. */
export const outboundDialString = (trunk: Pick<TrunkConfig, 'id' | 'host' | 'port' | 'transport'>, e164: string) =>
  `PJSIP/${trunkEndpointId(trunk.id)}/${carrierUri(trunk, e164)}`;

const hasCredentials = (trunk: TrunkConfig) => trunk.username !== null && trunk.password !== null;

/** Pushed in this order (each object exists before anything refers to it) and deleted in the reverse. */
export function trunkObjectsOf(trunk: TrunkConfig): TrunkObjects {
  const id = trunkEndpointId(trunk.id);
  const auth = hasCredentials(trunk);
  const objects: TrunkObjects['objects'] = [];
  if (auth)
    objects.push({
      type: 'auth',
      fields: { auth_type: 'userpass', username: trunk.username!, password: trunk.password! },
    });
  objects.push({
    type: 'aor',
    fields: { contact: carrierUri(trunk), qualify_frequency: String(QUALIFY_SECONDS) },
  });
  objects.push({
    type: 'endpoint',
    fields: {
      ...endpointBase,
      transport: TRANSPORT_NAMES[trunk.transport],
      aors: id,
      ...(auth ? { outbound_auth: id } : {}),
      accountcode: `${TRUNK_MARK}${trunk.id}`,
    },
  });
  if (trunk.match.length > 0)
    objects.push({ type: 'identify', fields: { endpoint: id, match: trunk.match.join(',') } });
  if (trunk.register && auth)
    objects.push({
      type: 'registration',
      fields: {
        server_uri: carrierUri(trunk),
        client_uri: carrierUri(trunk, trunk.username!),
        contact_user: trunk.username!,
        outbound_auth: id,
        transport: TRANSPORT_NAMES[trunk.transport],
        retry_interval: '60',
        expiration: '3600',
        // At once (Asterisk's default waits up to 10 s to spread registrations after a restart).
        max_random_initial_delay: '1',
        line: 'yes',
        endpoint: id,
      },
    });
  return { id, objects };
}

/** Every type a trunk may have, in the order to delete them (what refers to others first). */
export const TRUNK_DELETE_ORDER: readonly SipObjectType[] = [
  'registration',
  'identify',
  'endpoint',
  'aor',
  'auth',
];
