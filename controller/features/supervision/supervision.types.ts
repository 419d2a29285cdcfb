import type { FailureReason } from '../../ari/pbx.port.js';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { SupervisionRefusalCode } from './supervision.access.js';

/**
 * monitor: the supervisor hears both parties, nobody hears them. whisper: the supervisor hears both, only the agent
 * hears the supervisor. barge: all three hear each other.
 */
export type SupervisionMode = 'monitor' | 'whisper' | 'barge';

/** What to do when the agent is on no call: wait for their next call, or end at once. */
export type IdlePolicy = 'wait' | 'end';

/** The agent's call being supervised: the agent's channel (snooped), the other party's, and the call's bridge. */
export interface SupervisedCall {
  callId: string;
  bridgeId: string;
  agentChannelId: string;
  otherChannelId: string;
}

export interface Who {
  userId: string;
  extension: string;
  name: string;
}

/**
 * One audio path between the supervisor and the call. monitor / whisper: a snoop of the agent's channel
 * (`spy=both`, `whisper=none` / `whisper=out`: heard by the agent's phone only) in a bridge of our own with the
 * supervisor; barge: the call's own bridge (no snoop).
 */
export interface AudioPath {
  mode: SupervisionMode;
  bridgeId: string;
  /** Ours to destroy (false for barge: the call's bridge). */
  ownBridge: boolean;
  snoopId: string | null;
  /** `waiting`: the snoop is being created; `entered`: in Stasis, being bridged; `ready`: the path carries audio. */
  stage: 'waiting' | 'entered' | 'ready';
}

/**
 * `ringing`: API start, the supervisor's devices ring. `waiting`: the supervisor is up, the agent is on no call.
 * `building`: the first path is being built. `active`: the supervisor is on a path (`next`: a switch being built).
 * `refusing`: a refusal prompt plays to the phone. `ending`: cleaning up; `ended`: nothing of ours is left.
 */
export type SessionPhase = 'ringing' | 'waiting' | 'building' | 'active' | 'refusing' | 'ending' | 'ended';

export type EndReason =
  | 'requested'
  | 'supervisor-hung-up'
  | 'call-ended'
  | 'refused'
  | 'no-call'
  | 'supervisor-unavailable'
  | 'failed'
  | 'controller-restart';

export interface SupervisorLeg {
  channelId: string;
  endpoint: string;
  state: 'creating' | 'entered' | 'up' | 'gone';
}

export interface SessionState {
  id: string;
  phase: SessionPhase;
  /** The mode asked for last (the path being built, or the current one). */
  mode: SupervisionMode;
  supervisor: Who;
  target: Who;
  /** Dialled (`*222<ext>`): the phone's channel; API: the answered leg (null while ringing). */
  supervisorChannelId: string | null;
  /** API start: the supervisor's devices being rung (the first to answer is the supervisor). */
  legs: SupervisorLeg[];
  call: SupervisedCall | null;
  current: AudioPath | null;
  next: AudioPath | null;
  /** How many paths were built: names them (`sv-<id>-<n>`). */
  builds: number;
  /** Our channels still in Asterisk (supervisor, snoops, legs); the session is over when none is left. */
  channels: string[];
  /** Our bridges not destroyed yet. */
  bridges: string[];
  idlePolicy: IdlePolicy;
  startedAt: string;
  /** When the supervisor first heard the call (`supervision.started`). */
  activeAt: string | null;
  endReason: EndReason | null;
  refusal: { code: SupervisionRefusalCode; reason: string } | null;
  /** The refusal or idle prompt's playback. */
  promptId: string | null;
}

export type SupervisionStart = {
  kind: 'start';
  id: string;
  mode: SupervisionMode;
  supervisor: Who;
  target: Who;
  idlePolicy: IdlePolicy;
  /** The agent's call now, if any. */
  call: SupervisedCall | null;
  /** Refused by the access rule (the phone hears a prompt, the API answers 403). */
  refusal?: { code: SupervisionRefusalCode; reason: string };
} & (
  | { origin: 'dial'; channelId: string }
  | { origin: 'api'; endpoints: { channelId: string; endpoint: string }[] }
);

export type SessionInput =
  | SupervisionStart
  /** A waiting session's agent is on a call now (with the access rule's verdict on its parties). */
  | {
      kind: 'call-found';
      call: SupervisedCall;
      refusal?: { code: SupervisionRefusalCode; reason: string };
    }
  | { kind: 'switch'; mode: SupervisionMode }
  | { kind: 'stop' }
  /** The access rule no longer allows the session (a role or team changed, a user was deleted): it ends at once. */
  | { kind: 'revoke'; refusal: { code: SupervisionRefusalCode; reason: string } }
  | { kind: 'fact'; fact: PbxFact }
  | { kind: 'effect-failed'; effect: SessionEffect; reason: FailureReason }
  /** After a reconnect (or a take-over by another instance): the channels and bridges Asterisk has now. */
  | { kind: 'reconcile'; channelIds: string[]; bridges: { id: string; channelIds: string[] }[] };

export type SessionEvent =
  | { kind: 'opened'; session: SessionState }
  | { kind: 'leg-gone'; channelId: string }
  | { kind: 'supervisor-up'; channelId: string }
  | { kind: 'waiting' }
  | { kind: 'call-attached'; call: SupervisedCall }
  | { kind: 'mode-requested'; mode: SupervisionMode }
  | { kind: 'path-requested'; path: AudioPath }
  | { kind: 'snoop-entered'; snoopId: string }
  | { kind: 'path-ready' }
  /** The supervisor is on the new path; the old one is torn down. */
  | { kind: 'switched'; from: SupervisionMode | null; to: SupervisionMode; at: string }
  | { kind: 'prompting'; playbackId: string }
  | {
      kind: 'ending';
      reason: EndReason;
      refusal?: { code: SupervisionRefusalCode; reason: string };
      /** A prompt plays first (`refusing`); the clean-up follows its end. */
      prompt?: true;
      /** Where a refusal came from: the start or the agent's call (`start`), or the rules checked again (`recheck`). */
      via?: 'start' | 'recheck';
    }
  | { kind: 'channel-gone'; channelId: string }
  | { kind: 'bridge-gone'; bridgeId: string }
  | { kind: 'ended' };

export type SessionEffect =
  | { kind: 'answer'; channelId: string }
  | { kind: 'create-leg'; channelId: string; endpoint: string; appArgs: string }
  | { kind: 'dial'; channelId: string }
  | { kind: 'hangup'; channelId: string }
  | { kind: 'create-bridge'; bridgeId: string; name: string }
  | { kind: 'destroy-bridge'; bridgeId: string }
  | {
      kind: 'snoop';
      snoopId: string;
      channelId: string;
      whisper: 'none' | 'out';
      appArgs: string;
    }
  | { kind: 'add-to-bridge'; bridgeId: string; channelId: string }
  | { kind: 'moh'; channelId: string; on: boolean }
  | { kind: 'play'; playbackId: string; channelId: string; media: string[] };

export interface SessionDecision {
  events: SessionEvent[];
  effects: SessionEffect[];
}
