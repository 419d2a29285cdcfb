import type { BridgeInfo, ChannelInfo, ConnectionState, PbxFact, TransferState } from './pbx.facts.js';

/**
 * The only way the controller talks to Asterisk. Features execute their deciders' effects through it; only the
 * ARI adapter (controller/ari/) implements it and only that adapter imports ari-client.
 *
 * Commands never throw for telephony outcomes: ARI's 404 "Channel not found" and 409 "Channel not in Stasis
 * application" come back as `{ ok: false, reason: 'gone' }`, an endpoint with no registered contact as
 * `'unavailable'`, Asterisk unreachable as `'unreachable'`.
 */
export type Outcome<T = void> =
  { ok: true; value: T } | { ok: false; reason: FailureReason; message: string };

export type FailureReason =
  /** The channel, bridge or playback no longer exists or has left Stasis. */
  | 'gone'
  /** The endpoint cannot be called (no registered contact: "Allocation failed"). */
  | 'unavailable'
  /** The request conflicts with the current state (e.g. 409 other than "not in Stasis", 422). */
  | 'conflict'
  /** Rejected as invalid (400), or forbidden (403, e.g. deleting a pjsip.conf object). */
  | 'rejected'
  /** Asterisk could not be reached or the ARI socket is down. */
  | 'unreachable'
  | 'failed';

/**
 * What the far phone is told when the app hangs a channel up (a call not answered yet: 486 busy, 480 no-answer and
 * unavailable, 404 unallocated, 503 congestion, 484 incomplete, 403 forbidden). `answered-elsewhere` (cause 26) is for
 * a device that lost the race: chan_pjsip's CANCEL then carries `Reason: SIP;cause=200;text="Call completed
 * elsewhere"` (res_pjsip_rfc3326), so the phone shows no missed call.
 */
export type HangupReason =
  | 'normal'
  | 'busy'
  | 'no-answer'
  | 'unavailable'
  | 'unallocated'
  | 'congestion'
  | 'incomplete'
  | 'forbidden'
  | 'answered-elsewhere';

export type BridgeKind = 'mixing' | 'mixing-dtmf' | 'holding';

/** res_pjsip's sorcery types the controller pushes: accounts (endpoint, aor, auth) and trunks (also identify, registration). */
export type SipObjectType = 'endpoint' | 'aor' | 'auth' | 'identify' | 'registration';

export interface SipObjectField {
  attribute: string;
  value: string;
}

export interface CreateChannel {
  channelId: string;
  /** e.g. `PJSIP/1002`, `PJSIP/lobby`, `PJSIP/trunk/sip:+15550100@carrier`. */
  endpoint: string;
  appArgs: string;
  /** What the callee's phone shows (set as CALLERID and CONNECTEDLINE at create); a Dial's `callerChannelId` overrides it. */
  callerId?: { name: string; number: string };
  /** Set at creation (e.g. `PJSIP_TRANSFER_HANDLING()`, `PJSIP_HEADER(add,Call-Info)`). */
  variables?: Record<string, string>;
}

/**
 * A channel that dials at once (`POST /channels` with `app`): one request, the INVITE goes out while it is handled.
 * It enters Stasis only once answered; one that never answers ends without a StasisEnd (its `channel-left` comes
 * from ChannelDestroyed).
 */
export interface Originate extends CreateChannel {
  /** Asterisk's own ring timeout. */
  timeoutSeconds: number;
}

export interface Dial {
  channelId: string;
  /** The channel whose caller ID the callee should see. */
  callerChannelId?: string;
  timeoutSeconds?: number;
}

export interface Play {
  playbackId: string;
  /** Play to one channel or to everything in a bridge. */
  target: { channelId: string } | { bridgeId: string };
  /** e.g. `['sound:digits/7', 'sound:digits/0', 'sound:digits/1']`: played in one playback, in order. */
  media: string[];
}

export interface Snoop {
  snoopId: string;
  channelId: string;
  spy: 'none' | 'in' | 'out' | 'both';
  whisper: 'none' | 'in' | 'out' | 'both';
  appArgs: string;
}

/**
 * `POST /channels/{id}/record`: the channel (answered, in Stasis, in no bridge) is recorded into Asterisk's recording
 * directory as `<name>.<format>`; the recording's end comes as a `recording-finished` (also when the caller hangs
 * up: the file is kept) or `recording-failed` fact.
 */
export interface RecordRequest {
  channelId: string;
  name: string;
  format: 'wav';
  maxDurationSeconds: number;
  maxSilenceSeconds: number;
  terminateOn: 'none' | 'any' | '#' | '*';
  beep: boolean;
  ifExists: 'fail' | 'overwrite' | 'append';
}

/**
 * `POST /bridges/{id}/record`: the bridge's mixed audio (every party, as they come and go) is recorded into Asterisk's
 * recording directory as `<name>.<format>` until it is stopped (`stopRecording`) or the bridge is destroyed; its end
 * comes as a `recording-finished` (the file kept) or `recording-failed` fact. Asterisk puts a `Recorder/` channel into
 * the bridge for it (three or more channels: the bridge mixes in softmix).
 */
export interface BridgeRecordRequest {
  bridgeId: string;
  name: string;
  format: 'wav';
  /** 0: no limit. */
  maxDurationSeconds: number;
  ifExists: 'fail' | 'overwrite' | 'append';
}

export interface EndpointInfo {
  technology: string;
  resource: string;
  state: string;
  channelIds: string[];
}

export interface Pbx {
  answer(channelId: string): Promise<Outcome>;
  hangup(channelId: string, reason?: HangupReason): Promise<Outcome>;
  /** Sends ringing (180) to a caller not yet answered, or stops it. */
  ring(channelId: string, on: boolean): Promise<Outcome>;
  createChannel(request: CreateChannel): Promise<Outcome<ChannelInfo>>;
  originate(request: Originate): Promise<Outcome<ChannelInfo>>;
  dial(request: Dial): Promise<Outcome>;
  setVariable(channelId: string, name: string, value: string): Promise<Outcome>;
  /** An unset variable reads as '' (as in the dialplan); 'gone' only when the channel is. */
  getVariable(channelId: string, name: string): Promise<Outcome<string>>;
  sendDtmf(channelId: string, digits: string): Promise<Outcome>;
  hold(channelId: string, on: boolean): Promise<Outcome>;
  /**
   * Mutes a channel (`POST|DELETE /channels/{id}/mute?direction=`): `in` = what its phone sends reaches nobody (a
   * paged member cannot be heard in the page's bridge), `out` = its phone hears nothing.
   */
  mute(channelId: string, direction: 'in' | 'out' | 'both', on: boolean): Promise<Outcome>;
  /** Music on hold to a channel (`channelId`) or a holding bridge (`bridgeId`); `on: false` stops it. */
  moh(target: { channelId: string } | { bridgeId: string }, on: boolean): Promise<Outcome>;
  snoop(request: Snoop): Promise<Outcome<ChannelInfo>>;
  transferProgress(channelId: string, state: TransferState): Promise<Outcome>;

  createBridge(bridgeId: string, kind: BridgeKind, name: string): Promise<Outcome<BridgeInfo>>;
  /** Adds channels; a channel already in another Stasis bridge moves straight over. */
  addToBridge(bridgeId: string, channelIds: string[]): Promise<Outcome>;
  removeFromBridge(bridgeId: string, channelIds: string[]): Promise<Outcome>;
  destroyBridge(bridgeId: string): Promise<Outcome>;

  play(request: Play): Promise<Outcome>;
  stopPlayback(playbackId: string): Promise<Outcome>;

  record(request: RecordRequest): Promise<Outcome>;
  /** Records a bridge's mix (call recording); 'gone' when the bridge is, 'conflict' for a name in use. */
  recordBridge(request: BridgeRecordRequest): Promise<Outcome>;
  /** Stops a live recording and keeps what it has (`POST /recordings/live/{name}/stop`). */
  stopRecording(name: string): Promise<Outcome>;
  /** A finished recording's file as Asterisk stored it (`GET /recordings/stored/{name}/file`). */
  storedRecordingFile(name: string): Promise<Outcome<Buffer>>;
  deleteStoredRecording(name: string): Promise<Outcome>;
  /**
   * A mailbox's message counts (`PUT /mailboxes/{name}`, res_mwi_external): endpoints whose `mailboxes` name it get
   * message-summary NOTIFYs (the message lamp). Asterisk forgets them when it restarts.
   */
  setMailbox(name: string, counts: { newMessages: number; oldMessages: number }): Promise<Outcome>;
  deleteMailbox(name: string): Promise<Outcome>;

  setDeviceState(
    name: string,
    state: 'NOT_INUSE' | 'INUSE' | 'BUSY' | 'RINGING' | 'ONHOLD' | 'UNAVAILABLE',
  ): Promise<Outcome>;

  listChannels(): Promise<Outcome<ChannelInfo[]>>;
  listBridges(): Promise<Outcome<BridgeInfo[]>>;
  getEndpoint(technology: string, resource: string): Promise<Outcome<EndpointInfo>>;
  listEndpoints(): Promise<Outcome<EndpointInfo[]>>;

  /** A res_pjsip sorcery object as Asterisk has it (every attribute, defaults included; 'gone' if none). */
  getSipObject(type: SipObjectType, id: string): Promise<Outcome<SipObjectField[]>>;
  /** Pushes a res_pjsip sorcery object (dynamic config); fields as attribute -> value. */
  putSipObject(type: SipObjectType, id: string, fields: Record<string, string>): Promise<Outcome>;
  deleteSipObject(type: SipObjectType, id: string): Promise<Outcome>;
  /**
   * Whether a registration stands behind one of an AOR's contacts (a dynamic contact, as a REGISTER made it), rather
   * than a permanent one of the AOR object. ARI's AOR lists both alike as `contact` attributes.
   */
  sipRegistrationExists(aorId: string, contactUri: string): Promise<Outcome<boolean>>;
  /**
   * Reloads an Asterisk module (`PUT /asterisk/modules/{name}`): res_pjsip_outbound_registration starts the
   * registrations pushed since (it has no observer for created objects, only for a load).
   */
  reloadModule(module: string): Promise<Outcome>;

  /** Asterisk answers ARI (`GET /asterisk/ping`): for readiness. */
  ping(): Promise<Outcome>;
}

/** The live connection to Asterisk: facts in, connection state, and the Pbx to command it. */
export interface PbxConnection {
  readonly pbx: Pbx;
  state(): ConnectionState;
  /** Facts in the order Asterisk sent them. A handler's error is logged, never thrown into the socket. */
  onFact(handler: (fact: PbxFact) => void | Promise<void>): () => void;
  /** Called on every (re)connect, after the app is registered: the moment to reconcile and re-provision. */
  onConnected(handler: () => void | Promise<void>): () => void;
  /**
   * Called when the subscription to PJSIP endpoint events holds only after the connect (Asterisk had no PJSIP endpoint
   * when it was first asked): registrations and channels changed meanwhile without an event, so list them again.
   */
  onEndpointEvents(handler: () => void | Promise<void>): () => void;
  onDisconnected(handler: () => void): () => void;
  /**
   * Connects and keeps reconnecting until stopped. Never rejects because Asterisk is away: resolves once the first
   * attempt has connected (and the onConnected handlers ran) or failed.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}
