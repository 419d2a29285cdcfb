import type { ChannelInfo, PbxFact, TransferState } from '../../ari/pbx.facts.js';
import type { CreateChannel, Dial, FailureReason, HangupReason, Originate } from '../../ari/pbx.port.js';
import type { CallLogWrite } from '../../db/calls.repository.js';
import type { CallDisposition } from '../../db/tables/call-logs.js';

/** A party of a call: an extension (or, later, an outside number) with its display name and user, if any. */
export interface Person {
  number: string;
  name: string;
  userId: string | null;
}

/** Something to ring for an extension: one SIP endpoint such as `PJSIP/1002` or `PJSIP/1002-web`. */
export interface Target {
  endpoint: string;
}

/**
 * Who the dialled number is, as the shell resolved it before deciding (see `resolveTargets`). Personal call handling
 * (`../call-handling/`) may add a ring plan, or make it `busy` (DND with no busy forward).
 */
/**
 * An outside number rung through a trunk (`../trunks/`): its E.164 form, the trunk, and the caller ID its leg shows
 * the carrier (the caller's outbound caller ID, not the extension).
 */
export interface OutsideNumber {
  number: string;
  trunkId: string;
  callerId: { name: string; number: string };
}

export type Destination =
  | { kind: 'user'; user: Person; targets: Target[]; plan?: RingPlan; outside?: OutsideNumber; mailbox?: Mailbox }
  | { kind: 'busy'; user: Person; path: string[]; mailbox?: Mailbox }
  /** A prompt, then the caller is hung up (a routed call's `hangup` fallback); `user` is who was dialled. */
  | { kind: 'announcement'; user: Person; media: string[] }
  | { kind: 'unknown' };

/** A routed call's steps (contact centre): the contact's assigned agents, the team, the route's fallback. */
export type RoutingStep = 'assigned' | 'team' | 'fallback';

/** What an agent's popup shows of the caller: the contact the caller ID matched. */
export interface ContactCard {
  id: string;
  name: string;
  company: string;
  assignedAgents: { userId: string; extension: string; displayName: string }[];
  latestNotes: { body: string; createdAt: string; author: string | null }[];
}

/** A call from a trunk routed by an inbound route (`../routing/`): what the call log and the popups need. */
export interface RoutedCall {
  did: string;
  trunkId: string | null;
  routeId: string;
  teamId: string;
  contact: ContactCard | null;
  /** The steps that rang so far, in order. */
  path: RoutingStep[];
}

/**
 * The destination user's mailbox (voicemail, issue 17), resolved by the shell before deciding: a call to them that
 * ends unanswered (busy, no answer, unavailable) goes to it instead of the caller hearing the failure.
 */
export interface Mailbox {
  userId: string;
  extension: string;
}

/** Why the mailbox took the call: the greeting says "is on the phone" or "is unavailable". */
export type VoicemailReason = 'busy' | 'unavailable';

/** One device to ring and when: seconds from the moment this destination starts ringing. */
export interface RingEntry {
  endpoint: string;
  /** An outside number (a mobile): screened, its answer counts only after 1 is pressed within this many seconds. */
  screenSeconds?: number;
  /** Who answers on it (the forward target's user, after a forward). */
  person: Person;
  /** What its leg shows instead of the caller (an outside number: the outbound caller ID). */
  callerId?: { name: string; number: string };
  startSeconds: number;
  stopSeconds: number;
  /**
   * A routed call's agent: claimed (free, and rung for no other routed call, across instances) when the entry is due;
   * refused, the entry is skipped.
   */
  claim?: boolean;
  /** The routing step that rings this entry. */
  step?: RoutingStep;
}

/** How a destination is rung (ring strategy, forwards); without one, every target at once for the dial timeout. */
export interface RingPlan {
  entries: RingEntry[];
  /** The extensions the call went through to get here (unconditional forwards), the dialled one first. */
  path: string[];
  /** When every entry failed and one was busy: ring this instead. */
  onBusy?: Destination;
  /** No answer after this long (or nothing left to ring): ring this instead. */
  onNoAnswer?: { afterSeconds: number; destination: Destination };
}

/** A ring plan being carried out: absolute times, and the leg of each entry once started. */
export interface RingState {
  entries: (RingEntry & {
    startAt: string;
    stopAt: string;
    legId: string | null;
    /** Its agent is being claimed (the answer comes back as an `agents-claimed` input). */
    claiming?: boolean;
    /** Its agent could not be claimed (busy elsewhere): it never rings. */
    skipped?: boolean;
  })[];
  path: string[];
  onBusy?: Destination;
  noAnswer?: { at: string; destination: Destination };
  /** The mailbox of the destination rung now (a forward's own, after a forward). */
  mailbox?: Mailbox;
}

/**
 * A channel of the call. `caller`: the phone's own inbound leg; `origin`: a leg ringing the click-to-call user's
 * own devices; `callee`: a leg ringing the dialled user's devices; `handoff`: a leg ringing another device of a
 * party, to take that party's place once answered.
 */
export type LegRole = 'caller' | 'origin' | 'callee' | 'handoff';
export type LegStatus = 'creating' | 'entered' | 'ringing' | 'up' | 'gone';
/** Why a leg failed before it was answered. */
export type LegFailure = 'busy' | 'no-answer' | 'unavailable' | 'other';

export interface Leg {
  id: string;
  role: LegRole;
  endpoint: string;
  status: LegStatus;
  /** A hang-up was requested (by the phone or by us): the leg is on its way out. */
  hangingUp: boolean;
  /** We asked Asterisk to hang it up (never ask twice). */
  hangupSent: boolean;
  failure: LegFailure | null;
  inBridge: boolean;
  /** The last in-call DTMF digits of this leg (for `#72`), and when the last one came. */
  dtmf?: string;
  dtmfAt?: string;
  /** When a blind transfer of this leg's phone was refused (parking: slot taken, lot full). */
  transferRefusedAt?: string;
  /**
   * Originated (`POST /channels`: it dials at once, and enters Stasis only once answered), rather than created and
   * then dialled after its StasisStart. Callee legs are: the callee's INVITE leaves with one request.
   */
  originated?: boolean;
  /** An originated leg's StasisStart came (it answered; it can be bridged now). */
  inStasis?: boolean;
  /** Whom this callee leg rings (a forward target's user): who answered if it wins. */
  person?: Person;
  /** An outside target's leg: its answer counts only once its person pressed 1 within this many seconds. */
  screenSeconds?: number;
  /** Answered and being screened until then (cleared once accepted). */
  screenUntil?: string;
}

/**
 * A call of a transfer (`call-transfer.ts`): the call its transferer left (`out`), or the call the transferee went on
 * in (`in`: a blind transfer's new call, an attended transfer's consultation call).
 */
export interface CallTransfer {
  direction: 'out' | 'in';
  kind: 'blind' | 'attended';
  /** Who transferred. */
  by: Person;
  /** The number the transferee was transferred to. */
  to: string;
  /** The other call of the transfer. */
  callId: string;
  at: string;
}

export type CallMode = 'phone' | 'click';
export type CallStage = 'setup' | 'talking' | 'ending' | 'ended';

export interface CallState {
  id: string;
  mode: CallMode;
  caller: Person;
  dialled: string;
  destination: Destination;
  stage: CallStage;
  legs: Leg[];
  /** The A side: the caller's leg, or the click-to-call origin leg that answered (null until then). */
  aLegId: string | null;
  answeredLegId: string | null;
  answeredBy: Person | null;
  bridgeId: string | null;
  ringingAnnounced: boolean;
  answerAnnounced: boolean;
  ringbackId: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  disposition: CallDisposition | null;
  /** When the dial timeout fires (ISO), saved so a restarted controller can re-arm it. */
  timerAt: string | null;
  dialTimeoutSeconds: number;
  legSeq: number;
  /** A ring plan in progress (call handling), absent for the plain everything-at-once ringing. */
  ring?: RingState;
  /** A handoff in progress: the new device's leg and the leg it will replace. */
  handoff?: { legId: string; replaces: string };
  /** A call from a trunk routed to a team (contact centre). */
  routing?: RoutedCall;
  /** Agents this call holds claims on (a routed call's rung agents and whoever answered). */
  claimed?: string[];
  /** A prompt playing before the caller is hung up (the `hangup` fallback). */
  announcement?: { playbackId: string; disposition: CallDisposition };
  /** A call of a transfer. */
  transfer?: CallTransfer;
  /** The caller is an outside caller (a trunk's channel): a transferred outside caller's new call is inbound. */
  fromOutside?: boolean;
}

/**
 * The phone of a transferer whose blind transfer was refused hung up right after (baresip and some desk phones hang
 * up on a failed transfer's NOTIFY): its other party, still in the old call's bridge, rings the transferer back.
 */
export interface RingBackInput {
  kind: 'ring-back';
  callId: string;
  /** The party that stayed: answered, in `bridgeId` already. */
  survivor: { channelId: string; endpoint: string; person: Person };
  bridgeId: string | null;
  /** The transferer, as the call knew them. */
  to: Person;
  destination: Destination;
  dialTimeoutSeconds: number;
}

/** One party of a talking call as the transfer shell hands it on: its channel, SIP endpoint and who it is. */
export interface HandedParty {
  channelId: string;
  endpoint: string;
  person: Person;
}

/**
 * A phone's REFER on this call (the transferer's leg is `channelId`), as the shell resolved it (`call-transfer.ts`):
 * refused, a blind transfer whose new call (`callId`) rings `destination`, or an attended one whose consultation call
 * (`callId`) has taken the transferee over already.
 */
export interface TransferInput {
  kind: 'transfer';
  channelId: string;
  target:
    | { kind: 'refuse'; why: string }
    | { kind: 'blind'; callId: string; dialled: string; destination: Destination }
    | { kind: 'attended'; callId: string; to: string; bridgeMoved: boolean };
}

/** A blind transfer's new call: the transferee (answered, in its old bridge) rings the transfer's destination. */
export interface TransferCallInput {
  kind: 'transfer-call';
  callId: string;
  survivor: HandedParty;
  bridgeId: string | null;
  dialled: string;
  destination: Destination;
  dialTimeoutSeconds: number;
  transfer: CallTransfer;
}

/** An attended transfer: the transferee takes the place of the transferer's consultation leg (`replaces`) here. */
export interface TakeOverInput {
  kind: 'take-over';
  survivor: HandedParty;
  /** The bridge the transferee is in now (its old call's). */
  bridgeId: string | null;
  replaces: string;
  transfer: CallTransfer;
}

/** A phone dialled an extension-like number: the shell resolved who the caller and the destination are. */
export interface PhoneCallInput {
  kind: 'phone-call';
  callId: string;
  channel: ChannelInfo;
  caller: Person;
  dialled: string;
  destination: Destination;
  dialTimeoutSeconds: number;
  /** A call from a trunk that an inbound route took. */
  routing?: RoutedCall;
}

export interface ClickToCallInput {
  kind: 'click-to-call';
  callId: string;
  caller: Person;
  /** The clicking user's own devices, rung first. */
  originTargets: Target[];
  dialled: string;
  destination: Destination;
  dialTimeoutSeconds: number;
}

export type CallInput =
  | PhoneCallInput
  | ClickToCallInput
  | { kind: 'fact'; fact: PbxFact }
  | { kind: 'hangup-call' }
  | { kind: 'dial-timeout' }
  /** A command of an effect failed: fed back by the shell. */
  | { kind: 'effect-failed'; effect: CallEffect; reason: FailureReason }
  /** After a (re)connect: the channels Asterisk still has. */
  | { kind: 'reconcile'; channelIds: string[] }
  /** Another feature (parking) takes these legs over: they leave the call without being hung up. */
  | { kind: 'release'; channelIds: string[] }
  /** A blind transfer of this leg was refused (its phone got a failure NOTIFY and may hang up by itself). */
  | { kind: 'transfer-refused'; channelId: string }
  | RingBackInput
  | TransferInput
  | TransferCallInput
  | TakeOverInput
  | AdoptInput
  | PickupInput
  | HandoffInput
  /** The answer to a `claim-agents` effect: these of the asked agents are this call's now. */
  | { kind: 'agents-claimed'; indexes: number[]; granted: string[] };

/** `POST /api/calls/{id}/handoff`: ring another device of the party on `replaces`; answered, it takes its place. */
export interface HandoffInput {
  kind: 'handoff';
  replaces: string;
  endpoint: string;
  person: Person;
  ringSeconds: number;
}

/** `**<ext>`: this phone's inbound channel (in Stasis, not answered) takes the call ringing at that extension. */
export interface PickupInput {
  kind: 'pickup';
  channelId: string;
  endpoint: string;
  person: Person;
}

/** One side of a call made from channels that already exist (e.g. a parked call and whoever picked it up). */
export interface AdoptedParty {
  channelId: string;
  endpoint: string;
  person: Person;
  /** Already answered (false: a phone's inbound leg still ringing, answered now). */
  up: boolean;
}

/** Two existing channels become a talking call (a retrieved or recalled parked call). */
export interface AdoptInput {
  kind: 'adopt';
  callId: string;
  /** The A side: the party that called (the parked caller). */
  caller: AdoptedParty;
  /** Who answered (picked the parked call up). */
  answerer: AdoptedParty;
  /** What was dialled (e.g. the slot). */
  dialled: string;
}

export type CallEvent =
  | { kind: 'call-started'; call: CallState }
  | { kind: 'legs-added'; legs: Leg[]; legSeq: number }
  | { kind: 'leg-entered'; legId: string }
  | { kind: 'leg-in-stasis'; legId: string }
  | { kind: 'leg-ringing'; legId: string }
  | { kind: 'leg-up'; legId: string }
  | { kind: 'leg-hanging-up'; legId: string; failure: LegFailure | null }
  | { kind: 'leg-failed'; legId: string; failure: LegFailure }
  | { kind: 'hangup-sent'; legId: string }
  | { kind: 'leg-bridged'; legId: string }
  | { kind: 'leg-gone'; legId: string }
  | { kind: 'ringing'; at: string }
  | { kind: 'origin-answered'; legId: string }
  | { kind: 'callee-answered'; legId: string; by: Person; at: string; bridgeId: string }
  | { kind: 'connected'; at: string }
  | { kind: 'ringback-started'; playbackId: string }
  | { kind: 'ringback-stopped' }
  | { kind: 'timer-set'; at: string }
  | { kind: 'timer-cleared' }
  | { kind: 'ending'; disposition: CallDisposition }
  | { kind: 'ended'; at: string }
  | { kind: 'dtmf'; legId: string; digits: string; digit: string; at: string }
  /** Legs handed to another feature; the call's bridge is theirs too (the call no longer destroys it). */
  | { kind: 'legs-released'; legIds: string[] }
  | { kind: 'transfer-refused'; legId: string; at: string }
  /** A ring plan starts (the destination's, or a forward's: the path grows). */
  | { kind: 'ring-planned'; ring: RingState }
  /** Entries started ringing: the leg of each (one event for all, however many: a team of hundreds). */
  | { kind: 'ring-entries-started'; started: { index: number; legId: string }[] }
  /** Nothing rings any more but later entries wait: they move earlier (a busy desk moves on at once). */
  | { kind: 'ring-shifted'; ring: RingState }
  | { kind: 'picked-up'; leg: Leg }
  | { kind: 'handoff-started'; leg: Leg; replaces: string; legSeq: number }
  /** The new device answered and is in the bridge's place of the old one (which is hung up). */
  | { kind: 'handoff-completed'; legId: string; replaces: string }
  /** The new device did not answer (or the call moved on): the call goes on as it was. */
  | { kind: 'handoff-ended' }
  /** An outside target answered: it hears the screening question until `until`. */
  | { kind: 'screening-started'; legId: string; until: string }
  /** …and pressed 1: its answer counts now. */
  | { kind: 'screening-accepted'; legId: string }
  | { kind: 'ring-entries-claiming'; indexes: number[] }
  | { kind: 'ring-entries-skipped'; indexes: number[] }
  | { kind: 'agents-held'; userIds: string[] }
  | { kind: 'agents-released'; userIds: string[] }
  | { kind: 'routing-stepped'; step: RoutingStep }
  | { kind: 'announcing'; playbackId: string; disposition: CallDisposition }
  /** The transferee (`legId`) left for another call; `keepsBridge`: it moved out of ours (which is ours to destroy). */
  | { kind: 'transferred-out'; legId: string; transfer: CallTransfer; keepsBridge: boolean }
  /**
   * An attended transfer: the transferee's leg takes the place of the transferer's consultation leg `replaces` (the
   * caller side or the answered side), in `bridgeId`.
   */
  | { kind: 'party-replaced'; leg: Leg; replaces: string; person: Person; transfer: CallTransfer; bridgeId: string | null };

/** The call's log row as this feature writes it (internal calls, and calls from a trunk). */
export type CallLogEntry = CallLogWrite;

export type CallEffect =
  | { kind: 'answer'; channelId: string }
  | { kind: 'ring'; channelId: string }
  | { kind: 'set-variable'; channelId: string; name: string; value: string }
  | { kind: 'create-channel'; request: CreateChannel }
  | { kind: 'originate'; request: Originate }
  | { kind: 'dial'; request: Dial }
  | { kind: 'create-bridge'; bridgeId: string; name: string }
  | { kind: 'add-to-bridge'; bridgeId: string; channelIds: string[] }
  | { kind: 'destroy-bridge'; bridgeId: string }
  | { kind: 'hangup'; channelId: string; reason: HangupReason }
  | { kind: 'play'; playbackId: string; channelId: string; media: string[] }
  | { kind: 'stop-playback'; playbackId: string }
  | { kind: 'start-timer'; at: string }
  | { kind: 'cancel-timer' }
  | { kind: 'write-call-log'; log: CallLogEntry }
  /** `#72` from a leg: park the other party (the parking feature takes both legs over). */
  | { kind: 'park-code'; callId: string; parkerChannelId: string; parkeeChannelId: string }
  /** `*1` from a leg: start or stop recording the call (the recording feature). */
  | { kind: 'record-code'; callId: string; channelId: string }
  /** The survivor of a refused transfer (released from this call, in `bridgeId`) rings the transferer back. */
  | {
      kind: 'ring-back';
      survivor: { channelId: string; endpoint: string; person: Person };
      bridgeId: string | null;
      to: Person;
    }
  /** A phone's transfer state (`transfer_progress`: NOTIFY 100 / 200 / 503 / 603 to the transferer's phone). */
  | { kind: 'transfer-progress'; channelId: string; state: TransferState }
  /** A blind transfer: the transferee (released from this call, in `bridgeId`) rings the destination in a new call. */
  | { kind: 'transfer-call'; request: Omit<TransferCallInput, 'kind' | 'dialTimeoutSeconds'> }
  /** Routed calls: claim these agents for the call (the shell answers with an `agents-claimed` input). */
  | { kind: 'claim-agents'; callId: string; userIds: string[]; indexes: number[]; shared: string[] }
  /** Routed calls: these agents are free again (their legs ended, or someone else answered). */
  | { kind: 'release-agents'; callId: string; userIds: string[] }
  /** Not answered, and the destination has a mailbox: the caller's leg (released from the call) is voicemail's. */
  | {
      kind: 'voicemail';
      callId: string;
      channelId: string;
      /** The caller's leg is answered already (a click-to-call origin). */
      answered: boolean;
      mailbox: Mailbox;
      reason: VoicemailReason;
      caller: Person;
      dialled: string;
    };

export interface Decision {
  events: CallEvent[];
  effects: CallEffect[];
}
