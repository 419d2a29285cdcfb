/** What a simulated phone records about its calls. */
import type { CallerId } from './types.js';

export type PhoneCallState = 'calling' | 'ringing' | 'early' | 'established' | 'closed';

export interface PhoneCall {
  /** Dialog id, unique in the double. */
  id: string;
  direction: 'outgoing' | 'incoming';
  /** The number dialled (outgoing calls). */
  target: string;
  /** The Request-URI of the INVITE this phone received (a carrier: `sip:+14155550100@127.0.0.2:5060`). */
  requestUri?: string;
  state: PhoneCallState;
  /**
   * How the call ended: the final SIP status of a call that was never answered (404, 480, 486, 603...),
   * or 200 for an answered call that ended with a BYE.
   */
  status?: number;
  /**
   * The Reason header of the CANCEL or BYE that ended it, as chan_pjsip sends it: `SIP;cause=200;text="Call completed
   * elsewhere"` for a hang-up with cause 26 (ARI `reason=answered_elsewhere`), else `Q.850;cause=<n>`.
   */
  sipReason?: string;
  /** Who ended it: this phone (`local`) or the other side (`remote`). */
  endedBy?: 'local' | 'remote';
  /** The other party as shown on the phone's display (for incoming calls: the INVITE's From). */
  remote: CallerId;
  /** Headers of the INVITE this phone received (e.g. Call-Info, Alert-Info from PJSIP_HEADER(add,...)). */
  headers: Record<string, string>;
  /** The Asterisk channel carrying this call. */
  channelId?: string;
  onHold: boolean;
  /** NOTIFY status codes received for a transfer (REFER) sent on this call, e.g. [100, 200]. */
  transferNotifies: number[];
  transferFailed: boolean;
  /** DTMF digits received from Asterisk on this call. */
  dtmfReceived: string;
  /**
   * Sound files (`sound:digits/7`…) played to this call's channel (or its bridge) that the phone played out to the
   * end, in order: a file ends at the phone `playoutMs` (40 ms) after Asterisk finished it, so a call that closes before
   * that lost the file's end (a prompt cut off), and the file is not listed.
   */
  prompts: string[];
}

export type PhoneEventKind =
  | 'registered'
  | 'unregistered'
  | 'incoming'
  | 'ringing'
  | 'established'
  | 'closed'
  | 'dtmf'
  | 'transfer-accepted'
  | 'transfer-notify'
  | 'transfer-failed';

export interface PhoneEvent {
  kind: PhoneEventKind;
  callId?: string;
  status?: number;
  digit?: string;
  at: number;
}
