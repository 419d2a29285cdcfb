import type { Destination, RingPlan } from '../calls/call.types.js';
import type { HandlingProfile } from './handling.types.js';
import { effectiveSettings, ringEntries, type OutsideLeg } from './ring-strategy.js';

/**
 * Routing a call to a user by their call handling: DND, unconditional forward, the schedule, then how their devices
 * ring and where the call goes on busy and on no answer. Loops (A → B → A, longer chains, a forward to oneself) are cut
 * when the call is routed: a forward to an extension already on the path is not followed, so the call rings the last
 * distinct target (or, for conditional forwards, simply ends there). Everything is resolved before the call is decided,
 * so the calls decider stays pure.
 */

/** How long a no-answer forward waits when the user did not say (`noAnswerSeconds` null). */
export const DEFAULT_NO_ANSWER_SECONDS = 20;
/** At most this many forwards deep (a chain longer than this rings its last reachable target). */
const MAX_HOPS = 5;

export type Hop =
  | { kind: 'forward'; to: string; why: 'always' | 'schedule' }
  | { kind: 'busy' }
  | { kind: 'ring'; strategy: ReturnType<typeof effectiveSettings>['strategy'] };

/** What a user's handling says a call to them does first (pure). */
export function nextHop(profile: HandlingProfile, now: Date): Hop {
  if (profile.dnd) return { kind: 'busy' };
  if (profile.forwarding.always) return { kind: 'forward', to: profile.forwarding.always, why: 'always' };
  const effective = effectiveSettings(profile.ringSettings, now);
  if (effective.forwardTo) return { kind: 'forward', to: effective.forwardTo, why: 'schedule' };
  return { kind: 'ring', strategy: effective.strategy };
}

export interface RoutingLookups {
  profileOf(extension: string): Promise<HandlingProfile | undefined>;
  /** The directory: who a number is and which accounts they have. */
  resolve(number: string): Promise<Destination>;
}

export interface RoutingOptions {
  now: Date;
  dialTimeoutSeconds: number;
  /** How long a screened outside target has to press 1 (SCREENING_SECONDS). */
  screeningSeconds: number;
}

/** Whether a profile changes nothing about today's ringing (so the destination is left exactly as it was). */
const plain = (p: HandlingProfile) =>
  !p.dnd &&
  !p.forwarding.always &&
  !p.forwarding.busy &&
  !p.forwarding.noAnswer &&
  p.ringSettings.targets.length === 0 &&
  !p.ringSettings.schedule;

export async function routeDestination(
  destination: Destination,
  lookups: RoutingLookups,
  options: RoutingOptions,
): Promise<Destination> {
  async function follow(to: string, visited: Set<string>, hops: number): Promise<Destination | undefined> {
    if (visited.has(to) || hops >= MAX_HOPS) return undefined;
    const next = await lookups.resolve(to);
    return next.kind === 'user' ? route(next, visited, hops + 1) : undefined;
  }

  async function route(dest: Destination, seen: Set<string>, hops: number): Promise<Destination> {
    if (dest.kind !== 'user') return dest;
    const extension = dest.user.number;
    const profile = await lookups.profileOf(extension);
    if (!profile) return dest;
    if (hops === 0 && plain(profile)) return dest;
    const visited = new Set([...seen, extension]);
    const hop = nextHop(profile, options.now);
    const via = (next: Destination): Destination =>
      throughThis(next, extension, dest.user, options.dialTimeoutSeconds);
    if (hop.kind === 'forward') {
      const next = await follow(hop.to, visited, hops);
      if (next) return via(next);
    }
    if (hop.kind === 'busy') {
      const next = profile.forwarding.busy ? await follow(profile.forwarding.busy, visited, hops) : undefined;
      return next ? via(next) : { kind: 'busy', user: dest.user, path: [extension] };
    }
    const strategy = hop.kind === 'ring' ? hop.strategy : profile.ringSettings.strategy;
    const { busy, noAnswer, noAnswerSeconds } = profile.forwarding;
    const onBusy = busy ? await follow(busy, visited, hops) : undefined;
    const onNoAnswer = noAnswer ? await follow(noAnswer, visited, hops) : undefined;
    const plan: RingPlan = {
      entries: ringEntries(
        profile.ringSettings,
        strategy,
        dest.user,
        dest.targets,
        options.dialTimeoutSeconds,
        await outsideLegs(profile, lookups, options.screeningSeconds),
      ),
      path: [extension],
      ...(onBusy ? { onBusy } : {}),
      ...(onNoAnswer
        ? {
            onNoAnswer: {
              afterSeconds: noAnswerSeconds ?? DEFAULT_NO_ANSWER_SECONDS,
              destination: onNoAnswer,
            },
          }
        : {}),
    };
    return { ...dest, plan };
  }

  return route(destination, new Set(), 0);
}

/** The user's outside ring targets as the trunk reaches them now (through the same lookup as an outside forward). */
async function outsideLegs(
  profile: HandlingProfile,
  lookups: RoutingLookups,
  screenSeconds: number,
): Promise<Map<string, OutsideLeg>> {
  const legs = new Map<string, OutsideLeg>();
  for (const target of profile.ringSettings.targets) {
    if (target.kind !== 'external' || !target.number || legs.has(target.number)) continue;
    const found = await lookups.resolve(target.number);
    const endpoint = found.kind === 'user' && found.outside ? found.targets[0]?.endpoint : undefined;
    if (found.kind === 'user' && found.outside && endpoint)
      legs.set(target.number, { endpoint, callerId: found.outside.callerId, screenSeconds });
  }
  return legs;
}

/** A destination reached through this extension: the path starts here, and the call is still to the dialled user. */
function throughThis(
  next: Destination,
  extension: string,
  user: Extract<Destination, { kind: 'user' }>['user'],
  dialTimeoutSeconds: number,
): Destination {
  switch (next.kind) {
    case 'busy':
      return { ...next, user, path: [extension, ...next.path] };
    case 'user':
      return {
        ...next,
        user,
        plan: next.plan
          ? { ...next.plan, path: [extension, ...next.plan.path] }
          : {
              entries: next.targets.map((t) => ({
                endpoint: t.endpoint,
                person: next.user,
                startSeconds: 0,
                stopSeconds: dialTimeoutSeconds,
              })),
              path: [extension, next.user.number],
            },
      };
    case 'announcement':
    case 'unknown':
      return next;
    default: {
      const never: never = next;
      throw new Error(`unknown destination ${JSON.stringify(never)}`);
    }
  }
}
