import type { SipObjectType } from '../../ari/pbx.port.js';

/**
 * The res_pjsip sorcery objects behind each SIP account, as attribute -> value. Pure: what the database says a user
 * or device is, turned into what Asterisk needs. Secrets live only in `auth.password`; nothing else carries one.
 */
export type SipFields = Record<string, string>;

export interface SipAccount {
  /** The account's name: endpoint, aor and auth share it (and a phone registers with it as the user name). */
  id: string;
  auth: SipFields;
  aor: SipFields;
  endpoint: SipFields;
}

export type AccountOwner =
  | { kind: 'user'; id: string; extension: string; displayName: string; sipPassword: string }
  | { kind: 'device'; id: string; name: string; sipPassword: string };

/** Objects are pushed in this order (an endpoint refers to its aor and auth) and deleted in the reverse. */
export const PUSH_ORDER: readonly SipObjectType[] = ['auth', 'aor', 'endpoint'];
export const DELETE_ORDER: readonly SipObjectType[] = ['endpoint', 'aor', 'auth'];

/**
 * Marks the endpoints the controller owns (`set_var`, a channel variable on every call of the account: nothing
 * secret). On a reconnect, endpoints that carry it but are no longer in the database are deleted; endpoints from
 * pjsip.conf (the trunk) never carry it and are left alone.
 */
export const OWNER_VARIABLE = 'PBX_ACCOUNT';

/** What a phone may send and receive; `transport` stays unset so the account works over any transport. */
const common: SipFields = {
  context: 'from-internal',
  disallow: 'all',
  direct_media: 'no',
  rtp_symmetric: 'yes',
  force_rport: 'yes',
  rewrite_contact: 'yes',
  dtmf_mode: 'rfc4733',
};

/** Desk phones and softphones over UDP or TCP. */
const deskEndpoint: SipFields = { ...common, allow: 'ulaw,alaw,g722' };

/**
 * The webphone (JsSIP over `transport-ws` or `transport-wss`; no transport pinned so both work). `webrtc=yes`
 * implies the rest, spelled out so a reader sees what it does. Opus is left out: `codec_opus` is not in every
 * distribution's Asterisk, and Chrome talks PCMU with no transcoding (ARI-NOTES, WebRTC).
 */
const webrtcEndpoint: SipFields = {
  ...common,
  allow: 'ulaw,alaw',
  webrtc: 'yes',
  media_encryption: 'dtls',
  dtls_auto_generate_cert: 'yes',
  ice_support: 'yes',
  use_avpf: 'yes',
  rtcp_mux: 'yes',
};

export function accountsOf(owner: AccountOwner): SipAccount[] {
  if (owner.kind === 'device') {
    const callerId = callerIdOf(owner.name, owner.id);
    return [
      account(
        owner.id,
        owner.sipPassword,
        { ...deskEndpoint, callerid: callerId },
        aor(1, 30),
        `device/${owner.id}`,
      ),
    ];
  }
  const callerId = callerIdOf(owner.displayName, owner.extension);
  return [
    account(
      owner.extension,
      owner.sipPassword,
      { ...deskEndpoint, callerid: callerId },
      aor(2, 30),
      `desk/${owner.id}`,
    ),
    account(
      webAccountId(owner.extension),
      owner.sipPassword,
      { ...webrtcEndpoint, callerid: callerId },
      aor(5),
      `webrtc/${owner.id}`,
    ),
  ];
}

export const webAccountId = (extension: string) => `${extension}-web`;

/** The account names a user with this extension has: what to delete when only the extension is known. */
export const userAccountIds = (extension: string) => [extension, webAccountId(extension)];

/** Whether a dynamic endpoint object (as ARI's config GET returns it) was pushed by this controller. */
export function isOwnedEndpoint(fields: readonly { attribute: string; value: string }[]): boolean {
  return fields.some((f) => f.attribute === 'set_var' && f.value.startsWith(`${OWNER_VARIABLE}=`));
}

function account(
  id: string,
  password: string,
  endpoint: SipFields,
  aorFields: SipFields,
  owner: string,
): SipAccount {
  return {
    id,
    auth: { auth_type: 'userpass', username: id, password },
    aor: aorFields,
    endpoint: { ...endpoint, aors: id, auth: id, set_var: `${OWNER_VARIABLE}=${owner}` },
  };
}

function aor(maxContacts: number, qualifySeconds?: number): SipFields {
  return {
    max_contacts: String(maxContacts),
    remove_existing: 'yes',
    ...(qualifySeconds ? { qualify_frequency: String(qualifySeconds) } : {}),
  };
}

/** `"Display Name" <number>`, with the characters that would break the quoting removed. */
export function callerIdOf(name: string, number: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/["<>\\\u0000-\u001f]/g, '').trim();
  return clean ? `"${clean}" <${number}>` : `<${number}>`;
}
