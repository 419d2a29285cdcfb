import type { FailureReason } from '../../ari/pbx.port.js';
import type { BusyPolicy, PagePriority } from '../../db/tables/paging.js';

export type { BusyPolicy, PagePriority };

/** What a member's phone is doing, from Asterisk's channels (not from what a client claims). */
export type Activity = 'idle' | 'ringing' | 'on-call';

/** One SIP account of a member (`PJSIP/1003`, `PJSIP/1003-web`, an owned device). */
export interface AccountPresence {
  endpoint: string;
  registered: boolean;
  activity: Activity;
}

/** A member as the shell found them just before the page: their accounts, DND, and any page they are in now. */
export interface MemberCandidate {
  extension: string;
  dnd: boolean;
  accounts: AccountPresence[];
  /** Legs of this member connected in another live page. */
  inPage?: { pageId: string; priority: PagePriority; channelIds: string[] };
}

/** Why a member is not in the page. */
export type SkipReason = 'pager' | 'on-call' | 'ringing' | 'dnd' | 'in-another-page';
export type FailReason = 'unregistered' | 'unavailable' | 'no-answer' | 'rejected';
export type LeaveReason = 'hung-up' | 'preempted';

export type MemberPlan =
  | { extension: string; action: 'call'; endpoints: string[] }
  | { extension: string; action: 'take'; fromPageId: string; channelIds: string[] }
  | { extension: string; action: 'skip'; reason: SkipReason }
  | { extension: string; action: 'fail'; reason: FailReason };

/**
 * `calling`: legs created or ringing; `connected`: at least one leg in the page's bridge; `skipped` / `failed`: never
 * reached; `left`: was connected, then hung up or was taken into an emergency page.
 */
export type MemberStatus = 'calling' | 'connected' | 'skipped' | 'failed' | 'left';

/**
 * `pending`: planned, created once the pager is in the bridge; `muting`: answered, being muted toward the bridge
 * (Asterisk refuses to mute an outbound channel before it is answered: 412), then `beeping` and `joining`; `up`: a
 * pager leg (API page) that answered.
 */
export type LegState =
  'pending' | 'creating' | 'dialling' | 'up' | 'muting' | 'beeping' | 'joining' | 'bridged' | 'gone';

export interface PageLeg {
  channelId: string;
  endpoint: string;
  state: LegState;
}

export interface PageMember {
  extension: string;
  status: MemberStatus;
  reason?: SkipReason | FailReason | LeaveReason;
  legs: PageLeg[];
  /** Legs taken from a normal page (emergency preemption): already up and muted, moved into this bridge. */
  takenFrom?: string;
}

export type EndReason =
  | 'pager-hung-up'
  | 'max-length'
  | 'stopped'
  | 'pager-unavailable'
  | 'failed'
  /** Intercom: the called extension hung up, or none of its devices answered. */
  | 'target-hung-up'
  | 'target-unavailable';

/** A page (one-way, members muted) or an intercom (`*80<ext>`: one extension, two-way, first device to answer). */
export type PageMode = 'page' | 'intercom';

export interface PagerState {
  extension: string;
  name: string;
  /** The pager's channel once known (dialled: at once; API: the first of its legs to answer). */
  channelId: string | null;
  /** API pages ring the pager's accounts; the first to answer is the pager. */
  legs: PageLeg[];
  state: 'ringing' | 'up' | 'joining' | 'bridged' | 'gone';
}

export interface PageState {
  id: string;
  mode: PageMode;
  number: string;
  name: string;
  groupIds: string[];
  priority: PagePriority;
  beep: boolean;
  maxSeconds: number;
  origin: 'dial' | 'api';
  pager: PagerState;
  bridgeId: string;
  bridge: 'creating' | 'ready' | 'gone';
  phase: 'starting' | 'live' | 'ending' | 'ended';
  startedAt: string;
  /** maxSeconds after the pager joined. */
  deadline: string | null;
  members: PageMember[];
  endReason: EndReason | null;
}

/** Everything the shell resolved before the page begins (numbers, members' presence, the pager). */
export interface PageSetup {
  id: string;
  mode: PageMode;
  number: string;
  name: string;
  groupIds: string[];
  priority: PagePriority;
  busyPolicy: BusyPolicy;
  beep: boolean;
  maxSeconds: number;
  pager: { extension: string; name: string } & (
    { origin: 'dial'; channelId: string } | { origin: 'api'; endpoints: string[] }
  );
  candidates: MemberCandidate[];
}

export type PageInput =
  | { kind: 'start'; setup: PageSetup }
  | { kind: 'bridge-created' }
  /** Asterisk accepted the mute of this member leg (the answer to the `mute` effect: there is no event for it). */
  | { kind: 'leg-muted'; channelId: string }
  | { kind: 'channel-entered'; channelId: string }
  | { kind: 'channel-up'; channelId: string }
  | { kind: 'entered-bridge'; channelId: string }
  | { kind: 'channel-left'; channelId: string; busy?: boolean }
  | { kind: 'playback-finished'; playbackId: string }
  | { kind: 'timeout' }
  | { kind: 'stop' }
  /** An emergency page took this member's legs. */
  | { kind: 'member-taken'; extension: string }
  | { kind: 'effect-failed'; effect: PageEffect; reason: FailureReason }
  /** After a reconnect: the channels Asterisk still has. */
  | { kind: 'reconcile'; channelIds: string[] };

export type PageEvent =
  | { kind: 'created'; page: PageState }
  | { kind: 'bridge-ready' }
  | { kind: 'pager-changed'; pager: PagerState }
  | { kind: 'member-changed'; member: PageMember }
  /** The pager is in the bridge: the page is on (`page.started`). */
  | { kind: 'went-live'; deadline: string }
  /** A member's leg is in the bridge (`page.member-joined`). */
  | { kind: 'member-joined'; extension: string; channelId: string }
  | { kind: 'ending'; reason: EndReason }
  /** Every channel of the page has gone (`page.ended`). */
  | { kind: 'ended' }
  | { kind: 'bridge-gone' };

export type PageEffect =
  | { kind: 'create-bridge'; bridgeId: string; name: string }
  | { kind: 'answer'; channelId: string }
  | { kind: 'create-leg'; channelId: string; endpoint: string; autoAnswer: boolean }
  | { kind: 'dial'; channelId: string }
  | { kind: 'mute'; channelId: string }
  | { kind: 'play'; playbackId: string; channelId: string; media: string[] }
  | { kind: 'add-to-bridge'; channelId: string }
  | { kind: 'hangup'; channelId: string }
  | { kind: 'destroy-bridge'; bridgeId: string }
  | { kind: 'set-timer'; at: string }
  /** Tell the normal page this member's legs now belong to an emergency page. */
  | { kind: 'take-member'; fromPageId: string; extension: string };

export interface PageDecision {
  events: PageEvent[];
  effects: PageEffect[];
}
