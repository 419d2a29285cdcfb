/** Shared data model of the ARI double (a simulated Asterisk 22). */
import type { WebSocket } from 'ws';

export interface CallerId {
  name: string;
  number: string;
}

export interface Dialplan {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up';
export type ChannelKind = 'pjsip' | 'local' | 'snoop';
export type SnoopDirection = 'none' | 'in' | 'out' | 'both';

/** How a channel came to be, which decides STASISSTATUS / ChannelDestroyed delivery. */
export type ChannelOrigin = 'inbound' | 'originate' | 'create' | 'local' | 'snoop' | 'fallback';

export interface SnoopInfo {
  targetId: string;
  spy: SnoopDirection;
  whisper: SnoopDirection;
}

export interface Channel {
  id: string;
  name: string;
  kind: ChannelKind;
  origin: ChannelOrigin;
  state: ChannelState;
  protocolId: string;
  caller: CallerId;
  connected: CallerId;
  dialplan: Dialplan;
  /** Dialplan location shown once the channel leaves Stasis (ChannelDestroyed snapshot). */
  afterStasisDialplan: Dialplan;
  creationtime: string;
  /** PJSIP endpoint resource (e.g. "1002") for SIP channels. */
  endpointId?: string;
  app?: string;
  appArgs: string[];
  inStasis: boolean;
  stasisEnded: boolean;
  vars: Map<string, string>;
  bridgeId?: string;
  /** A bridge this channel left by a direct move: it keeps that bridge alive (see bridges.ts). */
  pinnedBridgeId?: string;
  /** The phone call (SIP dialog) this channel carries, for SIP channels. */
  callId?: string;
  localPartnerId?: string;
  snoop?: SnoopInfo;
  hangupRequested: boolean;
  gone: boolean;
  transferTainted: boolean;
  /** Set on the created leg replaced by a core blind transfer: the app loses it silently. */
  dropSubscriptionOnEnd: boolean;
  clearBlindTransferOnBridge: boolean;
  moh?: string;
  onHold: boolean;
  mute: SnoopDirection;
  silence: boolean;
  ringing: boolean;
  dialTimer?: NodeJS.Timeout;
  /** A call to a trunk: the Request-URI its INVITE carries, and the carrier listening there (if any). */
  sipTarget?: { requestUri: string; phoneId?: string };
  /** Inbound leg of a dialplan fallback Dial(): the other leg's id. */
  fallbackPeerId?: string;
}

export type BridgeTechnology = 'simple_bridge' | 'native_rtp' | 'softmix' | 'holding_bridge';

export interface Bridge {
  id: string;
  name: string;
  bridgeType: 'mixing' | 'holding';
  dtmfEvents: boolean;
  technology: BridgeTechnology;
  channels: string[];
  creationtime: string;
  moh?: string;
  deleted: boolean;
  /** Channels that left this bridge by a direct move into another bridge. */
  pinnedBy: Set<string>;
}

export interface Playback {
  id: string;
  media: string[];
  index: number;
  targetUri: string;
  language: string;
  state: 'queued' | 'playing' | 'continuing' | 'done' | 'failed';
  timer?: NodeJS.Timeout;
}

export interface AppState {
  name: string;
  socket?: WebSocket;
  channels: Set<string>;
  bridges: Set<string>;
  endpoints: Set<string>;
  devices: Set<string>;
  allowed: { type: string }[];
  disallowed: { type: string }[];
}

export type AriEvent = { type: string } & Record<string, unknown>;

/** Objects related to an event: decides which applications receive it. */
export interface EventScope {
  channels?: (Channel | undefined)[];
  bridges?: (Bridge | undefined)[];
  endpoint?: string;
  device?: string;
}

/**
 * What the double can report to an observer (`AriDouble.observe`), with `at` = `performance.now()` in the double's
 * process: for measuring a controller from the outside (e.g. StasisStart emitted → dial request received).
 */
export type DoubleTrace =
  | {
      kind: 'stasis-start';
      at: number;
      channelId: string;
      origin: ChannelOrigin;
      endpointId?: string;
      args: string[];
    }
  | { kind: 'create-request'; at: number; channelId: string; endpointId: string }
  | { kind: 'originate-request'; at: number; channelId: string; endpointId: string }
  | { kind: 'dial-request'; at: number; channelId: string; endpointId?: string; callerChannelId?: string }
  /** A channel's state changed (its ChannelStateChange was emitted), e.g. a rung phone's `Ringing`. */
  | { kind: 'state-change'; at: number; channelId: string; endpointId?: string; state: ChannelState };
