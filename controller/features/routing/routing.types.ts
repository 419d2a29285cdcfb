import type { Destination, Person, RingEntry } from '../calls/call.types.js';

/** What presence says of an agent (`../presence/`: computed from registrations, channels and DND). */
export type AgentState = 'offline' | 'available' | 'ringing' | 'on-call' | 'dnd';

/** The port routing reads presence through (the presence service, or a stand-in until it is wired). */
export interface AgentAvailability {
  stateOf(userId: string): AgentState;
}

/**
 * How one agent's devices ring for a routed call: the agent's own ring settings (strategy, targets, delays) with
 * offsets from the moment the agent starts ringing; a default entry rings for the length it was built with.
 */
export interface AgentRing {
  person: Person;
  entries: RingEntry[];
}

/** Everything the routing decision needs, resolved before it (the decider does no I/O). */
export interface RoutingInput {
  /** The dialled number (E.164): who the call is "to". */
  did: string;
  assignedRingSeconds: number;
  /** The contact's actively assigned agents (none: an unknown caller or an unassigned contact). */
  assigned: AgentRing[];
  /** The route's team members who are not assigned to the contact. */
  team: AgentRing[];
  /** Presence of every agent above, now. */
  states: Record<string, AgentState>;
  /** The fallback as a destination the calls feature rings (an extension, an outside number, a prompt). */
  fallback: Destination;
}

export type RoutingDecision =
  /** Ring by this plan (the calls decider claims each agent when their entry is due). */
  | { kind: 'ring'; destination: Destination }
  /** Nobody can be rung now: the fallback at once. */
  | { kind: 'fallback'; destination: Destination };
