import type { Principal } from '../../http/auth.js';
import type { CallDisposition } from '../../db/tables/call-logs.js';
import { rungPeople } from './call-state.js';
import type { CallState, ContactCard, Leg, RoutingStep } from './call.types.js';

export type CallViewState = 'dialing' | 'ringing' | 'answered' | 'ending' | 'ended';

export interface PartyView {
  number: string;
  name: string;
  userId: string | null;
}

export interface ChannelView {
  id: string;
  role: Leg['role'];
  endpoint: string;
  state: 'dialing' | 'ringing' | 'up' | 'gone';
}

/** A live call as the API and the WebSocket show it (SPEC: id, state, from, to, answeredBy, startedAt, answeredAt, channels). */
export interface CallView {
  id: string;
  state: CallViewState;
  direction: 'internal' | 'inbound';
  from: PartyView;
  to: PartyView;
  /** Who answered (a routed call: the agent who took it, so every other agent's popup closes). */
  answeredBy: { userId: string | null; extension: string; name: string; displayName: string } | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  disposition: CallDisposition | null;
  channels: ChannelView[];
  /** The extensions whose devices ring now (the dialled one, or a forward target, or whoever a strategy rings). */
  ringing: string[];
  /** Their users (so a forward target sees the call ringing for them). */
  ringingUserIds: string[];
  /** Every user a leg of the call rang so far (they see the call's events to its end: their popup closes). */
  rungUserIds: string[];
  /** A call from a trunk routed to a team: the DID, the trunk, the steps so far, and the caller's contact card. */
  routing: { did: string; trunkId: string | null; teamId: string; path: RoutingStep[] } | null;
  contact: ContactCard | null;
  /**
   * A call of a transfer: `out` the call its transferer left (it ends as `transferred`), `in` the call the transferee
   * went on in; `by` who transferred, `to` the number, `callId` the other call.
   */
  transfer: { direction: 'out' | 'in'; kind: 'blind' | 'attended'; by: PartyView; to: string; callId: string } | null;
}

function stateOf(call: CallState): CallViewState {
  switch (call.stage) {
    case 'setup':
      return call.ringingAnnounced ? 'ringing' : 'dialing';
    case 'talking':
      return call.answerAnnounced ? 'answered' : 'ringing';
    case 'ending':
      return 'ending';
    case 'ended':
      return 'ended';
    default: {
      const never: never = call.stage;
      throw new Error(`unknown stage ${String(never)}`);
    }
  }
}

const channelStateOf = (leg: Leg): ChannelView['state'] =>
  leg.status === 'creating' || leg.status === 'entered' ? 'dialing' : leg.status;

export function toCallView(call: CallState): CallView {
  const to = call.destination.kind !== 'unknown' ? call.destination.user : { number: call.dialled, name: '', userId: null };
  return {
    id: call.id,
    state: stateOf(call),
    direction: call.routing || call.fromOutside ? 'inbound' : 'internal',
    from: { ...call.caller },
    to: { ...to },
    answeredBy: call.answeredBy
      ? {
          userId: call.answeredBy.userId,
          extension: call.answeredBy.number,
          name: call.answeredBy.name,
          displayName: call.answeredBy.name,
        }
      : null,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    disposition: call.disposition,
    channels: call.legs.map((leg) => ({ id: leg.id, role: leg.role, endpoint: leg.endpoint, state: channelStateOf(leg) })),
    ...ringingOf(call),
    rungUserIds: rungPeople(call).flatMap((p) => p.userId ?? []),
    routing: call.routing
      ? {
          did: call.routing.did,
          trunkId: call.routing.trunkId,
          teamId: call.routing.teamId,
          path: [...call.routing.path],
        }
      : null,
    contact: call.routing?.contact ?? null,
    transfer: call.transfer
      ? {
          direction: call.transfer.direction,
          kind: call.transfer.kind,
          by: { ...call.transfer.by },
          to: call.transfer.to,
          callId: call.transfer.callId,
        }
      : null,
  };
}

/** Who is being rung now: the people behind the callee legs still ringing (the dialled user when none is named). */
function ringingOf(call: CallState): Pick<CallView, 'ringing' | 'ringingUserIds'> {
  if (call.stage !== 'setup') return { ringing: [], ringingUserIds: [] };
  const dialled = call.destination.kind === 'user' ? call.destination.user : undefined;
  const people = call.legs
    .filter((l) => l.role === 'callee' && !l.hangingUp && l.status !== 'gone' && l.status !== 'up')
    .flatMap((l) => l.person ?? dialled ?? []);
  const ringing = [...new Set(people.map((p) => p.number))];
  const ringingUserIds = [...new Set(people.flatMap((p) => p.userId ?? []))];
  return { ringing, ringingUserIds };
}

/**
 * Who sees a call: admins and supervisors every call (a supervisor watches the floor and may supervise any agent's
 * call; team scoping is left to supervision rules), everyone else the calls they take part in.
 */
export function canSeeCall(principal: Principal, call: CallView): boolean {
  if (principal.role === 'admin' || principal.role === 'supervisor') return true;
  return [
    call.from.userId,
    call.to.userId,
    call.answeredBy?.userId,
    // The transferer follows the calls of its transfer to their end (its webphone closes them).
    call.transfer?.by.userId,
    ...(call.ringingUserIds ?? []),
    ...(call.rungUserIds ?? []),
  ].includes(principal.userId);
}
