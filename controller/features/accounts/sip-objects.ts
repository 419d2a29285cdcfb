import type { SipObjectType } from '../../ari/pbx.port.js';
import { mailboxNameOf } from '../voicemail/mailbox-names.js';

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
  | {
      kind: 'device';
      id: string;
      name: string;
      sipPassword: string;
      /** A hot desk device shows the user logged in on it (its endpoint's caller ID follows them). */
      loggedIn?: { displayName: string; extension: string };
    };

/** Objects are pushed in this order (an endpoint refers to its aor and auth) and deleted in the reverse. */
type AccountObjectType = Extract<SipObjectType, 'auth' | 'aor' | 'endpoint'>;
export const PUSH_ORDER: readonly AccountObjectType[] = ['auth', 'aor', 'endpoint'];
export const DELETE_ORDER: readonly AccountObjectType[] = ['endpoint', 'aor', 'auth'];

/**
 * Marks the endpoints the controller owns: the endpoint's `accountcode` is `pbx:<desk|webrtc|device>:<owner id>`
 * (nothing secret; every channel of the account carries it, so ARI snapshots show whose phone a channel is). On a
 * reconnect, endpoints with the mark that no user or device wants any more are deleted; endpoints from pjsip.conf
 * (the trunk) have no mark and are left alone. Not `set_var`: ARI's update of an existing object applies the new
 * fields over a copy of the old one, and `set_var` appends, so every re-push would add another variable.
 */
export const OWNER_MARK = 'pbx:';

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
    const callerId = owner.loggedIn
      ? callerIdOf(owner.loggedIn.displayName, owner.loggedIn.extension)
      : callerIdOf(owner.name, owner.id);
    return [
      account(
        owner.id,
        owner.sipPassword,
        // A hot desk's message lamp follows the user logged in on it.
        { ...deskEndpoint, callerid: callerId, ...mailboxesOf(owner.loggedIn?.extension) },
        aor(1, 30),
        `device:${owner.id}`,
      ),
    ];
  }
  const callerId = callerIdOf(owner.displayName, owner.extension);
  return [
    account(
      owner.extension,
      owner.sipPassword,
      { ...deskEndpoint, callerid: callerId, ...mailboxesOf(owner.extension) },
      aor(2, 30),
      `desk:${owner.id}`,
    ),
    account(
      webAccountId(owner.extension),
      owner.sipPassword,
      { ...webrtcEndpoint, callerid: callerId, ...mailboxesOf(owner.extension) },
      aor(5),
      `webrtc:${owner.id}`,
    ),
  ];
}

/**
 * `mailboxes`: res_pjsip_mwi sends the phone unsolicited message-summary NOTIFYs for the user's mailbox (voicemail:
 * the counts are set through ARI `/mailboxes`). A user without an enabled mailbox has no counts: nothing is sent.
 */
function mailboxesOf(extension: string | undefined): SipFields {
  return extension ? { mailboxes: mailboxNameOf(extension) } : {};
}

export const webAccountId = (extension: string) => `${extension}-web`;

/** The account names a user with this extension has: what to delete when only the extension is known. */
export const userAccountIds = (extension: string) => [extension, webAccountId(extension)];

/** Whether a dynamic endpoint object (as ARI's config GET returns it) was pushed by this controller. */
export function isOwnedEndpoint(fields: readonly { attribute: string; value: string }[]): boolean {
  return fields.some((f) => f.attribute === 'accountcode' && f.value.startsWith(OWNER_MARK));
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
    endpoint: { ...endpoint, aors: id, auth: id, accountcode: `${OWNER_MARK}${owner}` },
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
