import type { BridgeInfo, PbxFact, TransferState } from '../../ari/pbx.facts.js';
import type { CreateChannel, Dial, FailureReason, HangupReason } from '../../ari/pbx.port.js';
import type { Person, Target } from '../calls/call.types.js';

/** How a call came to be parked. `self`: a phone dialled 700 (an attended transfer's consultation leg). */
export type ParkVia = 'blind-transfer' | 'attended-transfer' | 'self' | 'code' | 'api' | 'adopted';

/**
 * Who hears the slot number. `transfer`: a blind transfer's transferer (then `transfer_progress channel_answered`,
 * its phone hangs up); `code`: the `#72` parker (then hung up); `self`: the parked channel itself (then into the
 * slot's bridge).
 */
export interface Announcer {
  channelId: string;
  mode: 'transfer' | 'code' | 'self';
  playbackId: string;
  /**
   * When the announcement is over even if its PlaybackFinished never came (ISO): the safety timeout. Absent on parks
   * saved before it existed.
   */
  deadline?: string;
}

/** Why a ring was started: the timeout's recall to the parker, then the fallback; or an API retrieval. */
export type RingPurpose = 'recall' | 'fallback' | 'retrieve';
export type RingLegStatus = 'creating' | 'entered' | 'up' | 'gone';

export interface RingLeg {
  id: string;
  endpoint: string;
  status: RingLegStatus;
  hangupSent: boolean;
}

export interface Ring {
  purpose: RingPurpose;
  to: Person;
  legs: RingLeg[];
  /** When ringing gives up (ISO). */
  deadline: string;
}

/** Who took the parked call off the slot, and how. */
export type RetrievalVia = 'dial' | 'api' | 'recall' | 'fallback';

export interface Handover {
  to: Person;
  channelId: string;
  via: RetrievalVia;
}

export type AbandonReason = 'caller-hung-up' | 'vanished' | 'recall-failed' | 'park-failed';

/**
 * `parking`: asked for, not yet seen in the slot's bridge; `parked`: Asterisk confirmed it (timeouts, recalls and
 * API rings happen here); `handing-over`: given to a new call, waiting for it to leave the slot's bridge;
 * `closing`: the recall failed, the goodbye prompt plays; `done`: the slot is free.
 */
export type ParkStage = 'parking' | 'parked' | 'handing-over' | 'closing' | 'done';

export interface ParkState {
  id: string;
  slot: string;
  /** Unique per park (`park-701-<id>`); its name is `park-701`, which a restarted controller finds again. */
  bridgeId: string;
  /** The parked channel. */
  channelId: string;
  caller: Person;
  parker: Person | null;
  via: ParkVia;
  stage: ParkStage;
  /** Confirmed in the slot's bridge. */
  inBridge: boolean;
  requestedAt: string;
  parkedAt: string | null;
  timeoutSeconds: number;
  timeoutAt: string;
  /** How long a recall (or an API retrieval) rings before giving up. */
  ringSeconds: number;
  /** Whom the recall rings when the parker does not answer (resolved at the timeout; null: nobody). */
  fallback: FallbackTarget | null;
  /** `park.timeout` happened: the recall (or the fallback) rings, or is over. */
  timedOut: boolean;
  announcer: Announcer | null;
  /** The bridge of the call the park came from, handed over by the calls feature (destroyed after the announcement). */
  callBridgeId: string | null;
  ring: Ring | null;
  handover: Handover | null;
  endReason: AbandonReason | 'retrieved' | null;
  /** Every channel the park has owned (routing facts). */
  channelIds: string[];
  legSeq: number;
}

/** A park the shell has a slot for. */
export interface NewPark {
  id: string;
  slot: string;
  channelId: string;
  /** The parked channel is answered already (false for a phone that dialled 700: answer it first). */
  channelUp: boolean;
  caller: Person;
  parker: Person | null;
  via: ParkVia;
  timeoutSeconds: number;
  ringSeconds: number;
  announcer: { channelId: string; mode: Announcer['mode'] } | null;
  /** The call the parked channel (and the announcer) came from: released from it, its bridge handed over. */
  fromCall: { callId: string; bridgeId: string | null; releaseChannelIds: string[] } | null;
}

export interface FallbackTarget {
  person: Person;
  targets: Target[];
}

export type ParkInput =
  | { kind: 'park'; park: NewPark }
  /** A `park-7NN` bridge holding a channel that no saved park knows (state lost): adopted as it is. */
  | { kind: 'adopt'; park: NewPark; bridgeId: string }
  | { kind: 'fact'; fact: PbxFact }
  /** A deadline passed (park timeout or ring timeout); the shell resolved whom a recall would ring. */
  | { kind: 'tick'; parkerTargets: Target[]; fallback: FallbackTarget | null }
  /** A phone dialled the slot. */
  | { kind: 'retrieve-by-dial'; channelId: string; endpoint: string; by: Person }
  /** `POST /api/parking/retrieve`: ring this extension's devices and connect the one that answers. */
  | { kind: 'retrieve-to'; to: Person; targets: Target[] }
  /** An attended transfer (REFER with Replaces) replaced the parked consultation leg with the transferee. */
  | {
      kind: 'replace';
      channelId: string;
      caller: Person;
      transfererChannelId: string;
      fromCall: { callId: string; bridgeId: string | null; releaseChannelIds: string[] } | null;
    }
  | { kind: 'effect-failed'; effect: ParkEffect; reason: FailureReason }
  /** After a (re)connect: what Asterisk still has. */
  | { kind: 'reconcile'; channelIds: string[]; bridges: BridgeInfo[] };

export type ParkEvent =
  | { kind: 'park-started'; park: ParkState }
  | { kind: 'parked'; at: string }
  | { kind: 'left-bridge' }
  | { kind: 'announcer-done' }
  | { kind: 'call-bridge-released' }
  | { kind: 'timed-out'; at: string; fallback: FallbackTarget | null }
  | { kind: 'ring-started'; ring: Ring; legSeq: number }
  | { kind: 'ring-leg'; legId: string; status: RingLegStatus }
  | { kind: 'ring-leg-hangup-sent'; legId: string }
  | { kind: 'ring-ended' }
  | { kind: 'handing-over'; handover: Handover }
  | { kind: 'handover-failed' }
  | { kind: 'caller-replaced'; channelId: string; caller: Person }
  | { kind: 'closing' }
  | { kind: 'unparked'; at: string }
  | { kind: 'abandoned'; reason: AbandonReason; at: string }
  | { kind: 'rebridge' };

export type DeviceState = 'INUSE' | 'NOT_INUSE';

export type ParkEffect =
  | { kind: 'answer'; channelId: string }
  | { kind: 'hangup'; channelId: string; reason: HangupReason }
  | { kind: 'transfer-progress'; channelId: string; state: TransferState }
  | { kind: 'create-bridge'; bridgeId: string; name: string }
  | { kind: 'add-to-bridge'; bridgeId: string; channelIds: string[] }
  | { kind: 'destroy-bridge'; bridgeId: string }
  | { kind: 'moh'; bridgeId: string; on: boolean }
  | {
      kind: 'play';
      playbackId: string;
      target: { channelId: string } | { bridgeId: string };
      media: string[];
    }
  | { kind: 'create-channel'; request: CreateChannel }
  | { kind: 'dial'; request: Dial }
  | { kind: 'device-state'; slot: string; state: DeviceState }
  /** Answer if needed, play a prompt, then hang up (a phone that dialled an empty slot). */
  | { kind: 'prompt-and-hangup'; channelId: string; media: string[] }
  /** Hand these legs over from their call (not hung up; the call's bridge becomes the park's to destroy). */
  | { kind: 'release-from-call'; callId: string; channelIds: string[] }
  /** The parked channel and the one that picked it up become a new call (the calls feature bridges them). */
  | {
      kind: 'hand-over';
      slot: string;
      parked: { channelId: string; person: Person };
      /** Who takes it, on which endpoint (`PJSIP/1001-web`): the call's view names the answering device. */
      to: { channelId: string; endpoint: string; person: Person; up: boolean };
    };

export interface ParkDecision {
  events: ParkEvent[];
  effects: ParkEffect[];
}
