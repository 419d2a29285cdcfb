import {
  idOf,
  isObject,
  optionalNumber,
  strings,
  text,
  toBridgeInfo,
  toChannelInfo,
  toEndpointInfo,
  type Json,
} from './ari-snapshots.js';
import type { HangupCause, PbxFact, TransferState } from './pbx.facts.js';

/**
 * Every event type Asterisk 22's ARI can send (events.json, `Message` subtypes). A type outside this list is
 * "unknown" (a newer Asterisk, or garbage) and the connection logs it once; a known type that is not a fact is
 * dropped silently.
 */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'MissingParams',
  'DeviceStateChanged',
  'PlaybackStarted',
  'PlaybackContinuing',
  'PlaybackFinished',
  'RecordingStarted',
  'RecordingFinished',
  'RecordingFailed',
  'ApplicationMoveFailed',
  'ApplicationRegistered',
  'ApplicationUnregistered',
  'ApplicationReplaced',
  'BridgeCreated',
  'BridgeDestroyed',
  'BridgeMerged',
  'BridgeBlindTransfer',
  'BridgeAttendedTransfer',
  'BridgeVideoSourceChanged',
  'ChannelCreated',
  'ChannelDestroyed',
  'ChannelEnteredBridge',
  'ChannelLeftBridge',
  'ChannelStateChange',
  'ChannelDtmfReceived',
  'ChannelDialplan',
  'ChannelCallerId',
  'ChannelUserevent',
  'ChannelHangupRequest',
  'ChannelVarset',
  'ChannelToneDetected',
  'ChannelTalkingStarted',
  'ChannelTalkingFinished',
  'ChannelHold',
  'ChannelUnhold',
  'ContactStatusChange',
  'EndpointStateChange',
  'Dial',
  'StasisEnd',
  'StasisStart',
  'TextMessageReceived',
  'ChannelConnectedLine',
  'PeerStatusChange',
  'ChannelTransfer',
  'RESTResponse',
  'CallBroadcast',
  'CallClaimed',
]);

type Translate = (event: Json) => PbxFact | undefined;

const channelOf = (event: Json) => toChannelInfo(event.channel);

const translators: Record<string, Translate> = {
  StasisStart: (event) => {
    const replaces = idOf(event.replace_channel);
    return {
      kind: 'channel-entered',
      channel: channelOf(event),
      args: strings(event.args),
      ...(replaces ? { replacesChannelId: replaces } : {}),
    };
  },
  StasisEnd: (event) => ({ kind: 'channel-left', channel: channelOf(event) }),
  // The end of a channel the app made that never entered Stasis (an originated leg never answered); after a
  // StasisEnd it is the same end again, and the fact stream drops it.
  ChannelDestroyed: (event) => ({ kind: 'channel-left', channel: channelOf(event) }),
  ChannelStateChange: (event) => ({ kind: 'channel-state-changed', channel: channelOf(event) }),
  ChannelHangupRequest: (event) => ({
    kind: 'channel-hangup-requested',
    channel: channelOf(event),
    cause: hangupCause(event),
  }),
  Dial: (event) => ({
    kind: 'dial-progress',
    peer: toChannelInfo(event.peer),
    status: text(event.dialstatus),
  }),
  ChannelDtmfReceived: (event) => ({
    kind: 'dtmf-received',
    channel: channelOf(event),
    digit: text(event.digit),
    durationMs: optionalNumber(event.duration_ms) ?? 0,
  }),
  ChannelEnteredBridge: (event) =>
    isObject(event.channel)
      ? { kind: 'channel-entered-bridge', channel: channelOf(event), bridge: toBridgeInfo(event.bridge) }
      : undefined,
  ChannelLeftBridge: (event) => ({
    kind: 'channel-left-bridge',
    channel: channelOf(event),
    bridge: toBridgeInfo(event.bridge),
  }),
  BridgeDestroyed: (event) => ({ kind: 'bridge-destroyed', bridge: toBridgeInfo(event.bridge) }),
  PlaybackStarted: (event) => {
    const playback = isObject(event.playback) ? event.playback : {};
    return {
      kind: 'playback-started',
      playbackId: text(playback.id),
      targetUri: text(playback.target_uri),
      mediaUri: text(playback.media_uri),
    };
  },
  PlaybackFinished: (event) => {
    const playback = isObject(event.playback) ? event.playback : {};
    return {
      kind: 'playback-finished',
      playbackId: text(playback.id),
      targetUri: text(playback.target_uri),
      state: text(playback.state),
    };
  },
  RecordingStarted: (event) => {
    const recording = isObject(event.recording) ? event.recording : {};
    return { kind: 'recording-started', name: text(recording.name), targetUri: text(recording.target_uri) };
  },
  RecordingFinished: (event) => {
    const recording = isObject(event.recording) ? event.recording : {};
    const duration = optionalNumber(recording.duration);
    return {
      kind: 'recording-finished',
      name: text(recording.name),
      targetUri: text(recording.target_uri),
      ...(duration !== undefined ? { durationSeconds: duration } : {}),
    };
  },
  RecordingFailed: (event) => {
    const recording = isObject(event.recording) ? event.recording : {};
    return {
      kind: 'recording-failed',
      name: text(recording.name),
      targetUri: text(recording.target_uri),
      cause: text(recording.cause),
    };
  },
  ChannelTransfer: transferFact,
  EndpointStateChange: (event) => ({ kind: 'endpoint-state-changed', ...toEndpointInfo(event.endpoint) }),
  DeviceStateChanged: (event) => {
    const deviceState = isObject(event.device_state) ? event.device_state : {};
    return { kind: 'device-state-changed', name: text(deviceState.name), state: text(deviceState.state) };
  },
};

/** The event types that become facts: all the features hear of Asterisk (the app's event filter lets only these in). */
export const TRANSLATED_EVENT_TYPES: readonly string[] = Object.keys(translators);

/**
 * A raw ARI WebSocket event, exactly as Asterisk sends it (parsed JSON), as a fact — or `undefined` when it is not
 * one: an unknown or irrelevant type (`ChannelVarset`,
 * `PlaybackContinuing`, …) or a message that is not an event at all. Pure: no I/O, no clock.
 */
export function translateEvent(raw: unknown): PbxFact | undefined {
  if (!isObject(raw) || typeof raw.type !== 'string') return undefined;
  const translate = Object.hasOwn(translators, raw.type) ? translators[raw.type] : undefined;
  return translate?.(raw);
}

function hangupCause(event: Json): HangupCause {
  const cause = optionalNumber(event.cause);
  const techCause = optionalNumber(event.tech_cause);
  return {
    ...(cause !== undefined ? { cause } : {}),
    ...(techCause !== undefined ? { techCause } : {}),
    ...(typeof event.soft === 'boolean' ? { soft: event.soft } : {}),
  };
}

const transferStates: ReadonlySet<string> = new Set([
  'channel_progress',
  'channel_answered',
  'channel_unavailable',
  'channel_declined',
]);

/** ChannelTransfer (ari-only transfer handling): a phone's REFER, or the echo of the app's transfer_progress. */
function transferFact(event: Json): PbxFact | undefined {
  const referTo = isObject(event.refer_to) ? event.refer_to : {};
  const referredBy = isObject(event.referred_by) ? event.referred_by : {};
  const transferer = idOf(referredBy.source_channel);
  if (!transferer) return undefined;
  const state = text(event.state);
  const destination = isObject(referTo.requested_destination)
    ? text(referTo.requested_destination.destination)
    : '';
  const replaced = idOf(referTo.destination_channel);
  const source = isObject(referredBy.source_channel) ? referredBy.source_channel : {};
  return {
    kind: 'transfer-requested',
    transfererChannelId: transferer,
    ...(text(source.name) ? { transferer: toChannelInfo(source) } : {}),
    ...(transferStates.has(state) ? { state: state as TransferState } : {}),
    ...optional('transfereeChannelId', idOf(referredBy.connected_channel)),
    ...optional('bridgeId', idOf(referredBy.bridge)),
    ...(destination ? { destination } : {}),
    ...(replaced
      ? {
          replaces: {
            channelId: replaced,
            ...optional('connectedChannelId', idOf(referTo.connected_channel)),
            ...optional('bridgeId', idOf(referTo.bridge)),
          },
        }
      : {}),
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
