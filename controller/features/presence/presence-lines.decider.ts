import type { ChannelState, PbxFact } from '../../ari/pbx.facts.js';
import type { EndpointInfo } from '../../ari/pbx.port.js';
import type { PresenceUser } from '../../db/presence.repository.js';
import { channelPhaseOf, presenceStateOf, type ComputedView } from './presence.rules.js';
import type { ChannelPhase } from './presence.types.js';

/**
 * What Asterisk reported about SIP accounts ("lines"): which are registered and which channels are on which account.
 * Pure: `evolveLines(state, fact)` folds one fact into a new state and names the accounts it touched.
 */
export interface TrackedChannel {
  account: string;
  phase: ChannelPhase;
}

export interface LinesState {
  registered: ReadonlyMap<string, boolean>;
  channels: ReadonlyMap<string, TrackedChannel>;
}

export const emptyLines: LinesState = { registered: new Map(), channels: new Map() };

export interface ChannelSeen {
  id: string;
  name: string;
  state: ChannelState;
}

export type LineFact =
  /** EndpointStateChange of `PJSIP/<account>` (`online` = a registration stands behind it). */
  | { kind: 'endpoint'; account: string; registered: boolean }
  /** A channel seen in an event (entered Stasis, changed state, dial progress of a leg). */
  | { kind: 'channel'; channel: ChannelSeen }
  /** A channel ended (StasisEnd, or ChannelDestroyed of one that never entered Stasis). */
  | { kind: 'channel-gone'; channelId: string }
  /** Everything Asterisk lists now (`GET /endpoints`, `GET /channels`): replaces what was known. */
  | { kind: 'resync'; endpoints: { account: string; registered: boolean }[]; channels: ChannelSeen[] };

export interface LinesChange {
  state: LinesState;
  /** The accounts whose registration or channels changed ('all' after a resync). */
  touched: string[] | 'all';
}

/**
 * The account of a SIP channel: `PJSIP/1001-0000002b` → `1001`, `PJSIP/1001-web-0000002c` → `1001-web`. Local,
 * Snoop and other technologies belong to no account (the PJSIP channels beside them carry the user's presence).
 */
export function accountOfChannel(name: string): string | undefined {
  return /^PJSIP\/(.+)-[0-9a-f]{8}$/.exec(name)?.[1];
}

export function evolveLines(state: LinesState, fact: LineFact): LinesChange {
  switch (fact.kind) {
    case 'endpoint': {
      if ((state.registered.get(fact.account) ?? false) === fact.registered) return unchanged(state);
      const registered = new Map(state.registered).set(fact.account, fact.registered);
      return { state: { ...state, registered }, touched: [fact.account] };
    }
    case 'channel': {
      const account = accountOfChannel(fact.channel.name);
      if (account === undefined) return unchanged(state);
      const phase = channelPhaseOf(fact.channel.state);
      const known = state.channels.get(fact.channel.id);
      if (known && known.phase === phase) return unchanged(state);
      const channels = new Map(state.channels).set(fact.channel.id, { account, phase });
      return { state: { ...state, channels }, touched: [account] };
    }
    case 'channel-gone': {
      const known = state.channels.get(fact.channelId);
      if (!known) return unchanged(state);
      const channels = new Map(state.channels);
      channels.delete(fact.channelId);
      return { state: { ...state, channels }, touched: [known.account] };
    }
    case 'resync':
      return { state: resynced(fact), touched: 'all' };
    default: {
      const never: never = fact;
      throw new Error(`unknown line fact ${JSON.stringify(never)}`);
    }
  }
}

function resynced(fact: Extract<LineFact, { kind: 'resync' }>): LinesState {
  const registered = new Map(fact.endpoints.map((e) => [e.account, e.registered] as const));
  const channels = new Map<string, TrackedChannel>();
  for (const channel of fact.channels) {
    const account = accountOfChannel(channel.name);
    if (account !== undefined) channels.set(channel.id, { account, phase: channelPhaseOf(channel.state) });
  }
  return { registered, channels };
}

const unchanged = (state: LinesState): LinesChange => ({ state, touched: [] });

/** The phases of the channels on these accounts. */
export function phasesOn(state: LinesState, accounts: ReadonlySet<string>): ChannelPhase[] {
  const phases: ChannelPhase[] = [];
  for (const channel of state.channels.values())
    if (accounts.has(channel.account)) phases.push(channel.phase);
  return phases;
}

/** The SIP facts presence reads: registrations and channels of PJSIP accounts. */
export function lineFactOf(fact: PbxFact): LineFact | undefined {
  switch (fact.kind) {
    case 'endpoint-state-changed':
      return fact.technology === 'PJSIP'
        ? { kind: 'endpoint', account: fact.resource, registered: fact.state === 'online' }
        : undefined;
    case 'channel-entered':
    case 'channel-state-changed':
      return { kind: 'channel', channel: fact.channel };
    case 'dial-progress':
      return { kind: 'channel', channel: fact.peer };
    case 'channel-left':
      return { kind: 'channel-gone', channelId: fact.channel.id };
    default:
      return undefined;
  }
}

/** A user's view (apart from its times) from their accounts and what Asterisk reported of them. */
export function computedViewOf(
  user: PresenceUser,
  accounts: readonly string[],
  lines: LinesState,
  stale: boolean,
): ComputedView {
  const devices = accounts.map((account) => ({
    account,
    registered: lines.registered.get(account) ?? false,
  }));
  const phases = phasesOn(lines, new Set(accounts));
  return {
    userId: user.userId,
    extension: user.extension,
    displayName: user.displayName,
    teamId: user.teamId,
    state: presenceStateOf({ devices, phases, dnd: user.dnd }),
    devices,
    dnd: user.dnd,
    status: user.status,
    stale,
  };
}

/** What `GET /endpoints` and `GET /channels` list, as one resync (PJSIP endpoints only; `online` = registered). */
export function listedLines(endpoints: readonly EndpointInfo[], channels: readonly ChannelSeen[]): LineFact {
  return {
    kind: 'resync',
    endpoints: endpoints
      .filter((e) => e.technology === 'PJSIP')
      .map((e) => ({ account: e.resource, registered: e.state === 'online' })),
    channels: [...channels],
  };
}
