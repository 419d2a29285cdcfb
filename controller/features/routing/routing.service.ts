import type { Logger } from 'pino';
import type { Pbx } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import './inbound-routes.events.js';
import '../users/users.events.js';
import { findInboundRouteByDid, type InboundRoute } from '../../db/inbound-routes.repository.js';
import { callerContact, teamAgents, type AgentRow, type CallerContact } from '../../db/routing.repository.js';
import type { RingEntriesFor } from '../call-handling/call-routing.service.js';
import type { ContactCard, Destination, Person } from '../calls/call.types.js';
import type { CallsService, RoutedStart } from '../calls/calls.service.js';
import type { DialledCall } from '../calls/dial-router.js';
import { toE164, type DialingPlan } from '../contacts/phone-number.js';
import { heardToTheEnd } from '../calls/playout.js';
import { trunkEndpointId, trunkIdOfChannel } from '../trunks/trunk-names.js';
import type { ClaimsService } from './claims.service.js';
import { decideRouting } from './routing.decider.js';
import type { AgentAvailability, AgentRing } from './routing.types.js';

/**
 * What the `hangup` fallback plays before hanging up: "Nobody is available to take your call", "Goodbye" (and the
 * second of silence that lets the phone play the last word out before the BYE).
 */
export const HANGUP_PROMPT = heardToTheEnd(['sound:vm-nobodyavail', 'sound:vm-goodbye']);

export interface RoutingDeps {
  db: Db;
  bus: EventBus;
  pbx: Pbx;
  calls: CallsService;
  ringEntriesFor: RingEntriesFor;
  availability: AgentAvailability;
  claims: ClaimsService;
  plan: DialingPlan;
  logger: Logger;
  /** How long the team step rings (DIAL_TIMEOUT_SECONDS). */
  teamRingSeconds: number;
}

/**
 * The shell of routing a customer's call: a trunk call (`[did, 'inbound']`) → its inbound route → the caller's
 * contact → each agent's devices by their ring settings → `decideRouting` → a calls-feature call whose destination
 * carries the ring plan (one ringing engine: the calls decider claims each agent when their entry is due).
 */
export function createRoutingService(deps: RoutingDeps) {
  const { db, calls, plan } = deps;
  // Routes by DID and team members by team, in memory until an event says they changed (any instance, via Redis).
  const routes = new Map<string, Promise<InboundRoute | undefined>>();
  const teams = new Map<string, Promise<AgentRow[]>>();
  const unsubscribe = deps.bus.subscribe((event) => {
    if (event.type.startsWith('inbound-route.')) routes.clear();
    if (event.type.startsWith('user.')) teams.clear();
  });
  const cached = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    const hit = map.get(key);
    if (hit) return hit;
    const loading = load().catch((error: unknown) => {
      map.delete(key);
      throw error;
    });
    map.set(key, loading);
    return loading;
  };
  const routeOf = (did: string) => cached(routes, did, () => findInboundRouteByDid(db, did));
  const membersOf = (teamId: string) => cached(teams, teamId, () => teamAgents(db, teamId));

  async function agentRing(agent: AgentRow, ringSeconds: number): Promise<AgentRing | undefined> {
    const destination = await calls.resolve(agent.extension);
    if (destination.kind !== 'user') return undefined;
    return { person: destination.user, entries: await deps.ringEntriesFor(destination, ringSeconds) };
  }

  function fallbackOf(route: InboundRoute, trunkId: string | null): Promise<Destination> | Destination {
    const { kind, target } = route.fallback;
    const dialled: Person = { number: route.did, name: '', userId: null };
    const announcement: Destination = { kind: 'announcement', user: dialled, media: HANGUP_PROMPT };
    switch (kind) {
      case 'extension':
        return target ? calls.destinationOf(target) : announcement;
      case 'external':
        // Out again through the trunk the call came in on (the carrier takes it back to the public network).
        if (!target || !trunkId) return announcement;
        return {
          kind: 'user',
          user: { number: target, name: target, userId: null },
          targets: [{ endpoint: `PJSIP/${target}@${trunkEndpointId(trunkId)}` }],
        };
      case 'hangup':
        return announcement;
      default: {
        const never: never = kind;
        throw new Error(`unknown fallback ${String(never)}`);
      }
    }
  }

  async function route(callId: string, call: DialledCall): Promise<RoutedStart | undefined> {
    const did = toE164(call.dialled, plan);
    const found = did ? await routeOf(did) : undefined;
    if (!found || !did) {
      await deps.pbx.hangup(call.channel.id, 'unallocated');
      return undefined;
    }
    const trunkId = trunkIdOfChannel(call.channel.name) ?? null;
    // Counted among the team's waiting calls before its first claim: calls arriving together share the free agents.
    const waiting = deps.claims.waiting(callId, found.teamId);
    const callerNumber = toE164(call.channel.caller.number, plan);
    const [contact, members] = await Promise.all([
      callerNumber ? callerContact(db, callerNumber) : undefined,
      membersOf(found.teamId),
    ]);
    const contactClaimed = contact ? deps.claims.contacts.claimRouted(callId, contact.id) : undefined;
    const assignedIds = new Set(contact?.assignedAgents.map((a) => a.userId) ?? []);
    const rings = (agents: AgentRow[], seconds: number) =>
      Promise.all(agents.map((agent) => agentRing(agent, seconds))).then((all) => all.flatMap((a) => a ?? []));
    const [assigned, team, fallback] = await Promise.all([
      rings(contact?.assignedAgents ?? [], found.assignedRingSeconds + deps.teamRingSeconds),
      rings(members.filter((m) => !assignedIds.has(m.userId)), deps.teamRingSeconds),
      fallbackOf(found, trunkId),
    ]);
    const states = Object.fromEntries(
      [...assigned, ...team].map((a) => [a.person.userId!, deps.availability.stateOf(a.person.userId!)]),
    );
    const decision = decideRouting({ did, assignedRingSeconds: found.assignedRingSeconds, assigned, team, states, fallback });
    await Promise.all([waiting, contactClaimed]);
    return {
      caller: { number: callerNumber ?? call.channel.caller.number, name: call.channel.caller.name, userId: null },
      destination: decision.destination,
      routing: {
        did,
        trunkId,
        routeId: found.id,
        teamId: found.teamId,
        contact: contact ? cardOf(contact) : null,
        path: decision.kind === 'fallback' ? ['fallback'] : [],
      },
    };
  }

  return {
    /** The numbering plan's `inbound` route: a call from a trunk to a DID. */
    onInbound(call: DialledCall): void {
      calls.startRoutedCall(call, (callId) => route(callId, call));
    },
    stop: unsubscribe,
  };
}

const cardOf = (contact: CallerContact): ContactCard => ({
  id: contact.id,
  name: contact.name,
  company: contact.company,
  assignedAgents: contact.assignedAgents,
  latestNotes: contact.latestNotes,
});

export type RoutingService = ReturnType<typeof createRoutingService>;
