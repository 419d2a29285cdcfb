/**
 * What Asterisk tells the controller, as plain facts. The ARI adapter translates raw ARI events into these; the
 * features' deciders read only these. Unknown or irrelevant ARI events never become facts.
 */

export type ChannelState =
  'Down' | 'Rsrvd' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy' | 'Unknown';

export interface Party {
  name: string;
  number: string;
}

/** A channel as seen in an event or a listing. */
export interface ChannelInfo {
  id: string;
  /** e.g. `PJSIP/1001-00000030`, `Local/700@from-internal-0000;2`, `Snoop/…`. */
  name: string;
  state: ChannelState;
  caller: Party;
  connected: Party;
  /** Where the dialplan was when it entered Stasis (the dialled number for a phone's call). */
  dialplan: { context: string; exten: string };
  createdAt: string;
}

export interface BridgeInfo {
  id: string;
  name: string;
  /** `mixing`, `holding`, … as Asterisk reports `bridge_type`. */
  type: string;
  technology: string;
  channelIds: string[];
}

/** Why a hang-up was requested: a phone's BYE has no cause; the app's own DELETE shows cause 32 soft. */
export interface HangupCause {
  cause?: number;
  techCause?: number;
  soft?: boolean;
}

export type DialStatus =
  | ''
  | 'RINGING'
  | 'PROGRESS'
  | 'ANSWER'
  | 'BUSY'
  | 'NOANSWER'
  | 'CANCEL'
  | 'CONGESTION'
  | 'CHANUNAVAIL'
  | string;

export type TransferState =
  'channel_progress' | 'channel_answered' | 'channel_unavailable' | 'channel_declined';

export type PbxFact =
  /** StasisStart: the channel is now under the app's control. `args` are the dialplan's or the app's appArgs. */
  | { kind: 'channel-entered'; channel: ChannelInfo; args: string[]; replacesChannelId?: string }
  /** StasisEnd: the channel has left the app for good; treat it as the channel's end. */
  | { kind: 'channel-left'; channel: ChannelInfo }
  | { kind: 'channel-state-changed'; channel: ChannelInfo }
  | { kind: 'channel-hangup-requested'; channel: ChannelInfo; cause: HangupCause }
  | { kind: 'dial-progress'; peer: ChannelInfo; status: DialStatus }
  | { kind: 'dtmf-received'; channel: ChannelInfo; digit: string; durationMs: number }
  | { kind: 'channel-entered-bridge'; channel: ChannelInfo; bridge: BridgeInfo }
  | { kind: 'channel-left-bridge'; channel: ChannelInfo; bridge: BridgeInfo }
  | { kind: 'bridge-destroyed'; bridge: BridgeInfo }
  | { kind: 'playback-started'; playbackId: string; targetUri: string; mediaUri: string }
  | {
      kind: 'playback-finished';
      playbackId: string;
      targetUri: string;
      state: 'done' | 'failed' | 'cancelled' | string;
    }
  /** A phone's REFER on a channel with ari-only transfer handling (ChannelTransfer). */
  | {
      kind: 'transfer-requested';
      /** The echo of the app's own transfer_progress carries a state; a phone's new request does not. */
      state?: TransferState;
      transfererChannelId: string;
      /** The transferer's channel as Asterisk described it (who transfers: the trunk fence, a guest device). */
      transferer?: ChannelInfo;
      /** The transferer's peer (the one to transfer), when known. */
      transfereeChannelId?: string;
      bridgeId?: string;
      /** Blind transfer: the number dialled. */
      destination?: string;
      /** Attended transfer: the consultation leg to replace, its peer and bridge. */
      replaces?: { channelId: string; connectedChannelId?: string; bridgeId?: string };
    }
  | {
      kind: 'endpoint-state-changed';
      resource: string;
      technology: string;
      state: string;
      channelIds: string[];
    }
  | { kind: 'device-state-changed'; name: string; state: string }
  /**
   * RecordingFinished: a channel's recording ended (its length, `#`, silence, or the caller hanging up: Asterisk
   * closes and keeps the file either way, res_stasis_recording.c) and is stored as `name`.
   */
  /** RecordingStarted: Asterisk is writing the recording (a channel's, or a bridge's mix: `bridge:<id>`). */
  | { kind: 'recording-started'; name: string; targetUri: string }
  | { kind: 'recording-finished'; name: string; targetUri: string; durationSeconds?: number }
  | { kind: 'recording-failed'; name: string; targetUri: string; cause: string };

export type PbxFactKind = PbxFact['kind'];

/** The one channel a fact is about (for routing it to the call or park that owns that channel), if any. */
export function channelIdOf(fact: PbxFact): string | undefined {
  switch (fact.kind) {
    case 'channel-entered':
    case 'channel-left':
    case 'channel-state-changed':
    case 'channel-hangup-requested':
    case 'channel-entered-bridge':
    case 'channel-left-bridge':
    case 'dtmf-received':
      return fact.channel.id;
    case 'dial-progress':
      return fact.peer.id;
    case 'bridge-destroyed':
    case 'playback-started':
    case 'playback-finished':
    case 'transfer-requested':
    case 'endpoint-state-changed':
    case 'device-state-changed':
    case 'recording-started':
    case 'recording-finished':
    case 'recording-failed':
      return undefined;
    default: {
      const never: never = fact;
      throw new Error(`unknown fact ${JSON.stringify(never)}`);
    }
  }
}

/** The connection's own lifecycle, reported beside the facts. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
