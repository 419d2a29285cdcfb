import type { Destination, Person, RingEntry, RingPlan, RoutingStep } from '../calls/call.types.js';
import type { AgentRing, AgentState, RoutingDecision, RoutingInput } from './routing.types.js';

/**
 * Routing a customer's call, pure: the contact's assigned agents who can take a call ring first (each by their own
 * ring settings); `assignedRingSeconds` later every team member rings too, the assigned ones still ringing; with no
 * assigned agent available (or an unknown caller, or an unassigned contact) the team rings at once. Nobody who can
 * take a call now → the fallback at once. Every entry is claimed when it is due (the calls decider asks the shell),
 * so an agent who became busy meanwhile is skipped and one who became available meanwhile rings (team members are
 * all in the plan; presence and the claim decide at the step). The end of the plan → the fallback.
 */

/** Presence states in which an agent may be rung for a routed call (ringing: for an internal call, not a routed one). */
export function canTakeCall(state: AgentState | undefined): boolean {
  switch (state) {
    case 'available':
    case 'ringing':
      return true;
    case 'offline':
    case 'on-call':
    case 'dnd':
    case undefined:
      return false;
    default: {
      const never: never = state;
      throw new Error(`unknown state ${String(never)}`);
    }
  }
}

const shifted = (entries: RingEntry[], by: number, step: RoutingStep): RingEntry[] =>
  entries.map((e) => ({
    ...e,
    startSeconds: e.startSeconds + by,
    stopSeconds: e.stopSeconds + by,
    claim: true,
    step,
  }));

export function decideRouting(input: RoutingInput): RoutingDecision {
  const free = (agent: AgentRing) => canTakeCall(input.states[agent.person.userId ?? '']);
  const assigned = input.assigned.filter((a) => free(a) && a.entries.length > 0);
  const team = input.team.filter((a) => a.entries.length > 0);
  if (assigned.length === 0 && !team.some(free)) return { kind: 'fallback', destination: input.fallback };
  const teamStart = assigned.length > 0 ? input.assignedRingSeconds : 0;
  const entries = [
    ...assigned.flatMap((a) => shifted(a.entries, 0, 'assigned')),
    ...team.flatMap((a) => shifted(a.entries, teamStart, 'team')),
  ];
  const end = Math.max(...entries.map((e) => e.stopSeconds));
  const plan: RingPlan = {
    entries,
    path: [],
    onBusy: input.fallback,
    onNoAnswer: { afterSeconds: end, destination: input.fallback },
  };
  return { kind: 'ring', destination: routedDestination(input.did, plan) };
}

/** Who a routed call is "to" in the calls feature: the route (no user), rung by the plan. */
function routedDestination(did: string, plan: RingPlan): Destination {
  const route: Person = { number: did, name: '', userId: null };
  return { kind: 'user', user: route, targets: [], plan };
}
