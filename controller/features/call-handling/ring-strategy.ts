import type { Person, RingEntry, Target } from '../calls/call.types.js';
import type { RingSettings, RingStrategy, RingTarget } from './handling.types.js';
import { isOpen } from './schedule.js';

/**
 * Ring strategies, pure: a user's ring settings and the accounts the directory says they have now → when each device
 * rings. Offsets are seconds from the moment the user starts ringing.
 */

/** How an outside ring target is reached: the trunk leg's endpoint and the caller ID the carrier is shown. */
export interface OutsideLeg {
  endpoint: string;
  callerId: { name: string; number: string };
  /** How long its person has to press 1 once answered (call screening). */
  screenSeconds: number;
}

/** The endpoint a ring target rings, or undefined (an external number: resolved through the trunk, `outside`). */
export function endpointOf(target: RingTarget, extension: string): string | undefined {
  switch (target.kind) {
    case 'desk':
      return `PJSIP/${extension}`;
    case 'webphone':
      return `PJSIP/${extension}-web`;
    case 'device':
      return target.deviceId ? `PJSIP/${target.deviceId}` : undefined;
    case 'external':
      return undefined;
    default: {
      const never: never = target.kind;
      throw new Error(`unknown ring target ${String(never)}`);
    }
  }
}

/** What the schedule makes of the settings now: the strategy to use, or an extension to forward to. */
export function effectiveSettings(
  settings: RingSettings,
  now: Date,
): { strategy: RingStrategy; forwardTo?: string } {
  const schedule = settings.schedule;
  if (!schedule || isOpen(schedule, now)) return { strategy: settings.strategy };
  const outside = schedule.outsideHours;
  if (outside.forwardTo) return { strategy: settings.strategy, forwardTo: outside.forwardTo };
  return { strategy: outside.strategy ?? settings.strategy };
}

/**
 * The entries: with no targets set, every account at once for the dial timeout (the default); else the targets the
 * user has now (an account of theirs the directory lists: a device they gave away or a hot desk they left is skipped)
 * by the strategy. Simultaneous: each from its delay for its timeout. Sequential: one after another, each after the
 * previous one's end and its own delay. Follow-me: the first alone, then the others together after its timeout (each
 * after its own delay), the first still ringing until the last stops.
 */
export function ringEntries(
  settings: RingSettings,
  strategy: RingStrategy,
  person: Person,
  available: Target[],
  dialTimeoutSeconds: number,
  /** Outside targets by number, as the trunk reaches them now (one the trunk cannot reach is skipped). */
  outside: ReadonlyMap<string, OutsideLeg> = new Map(),
): RingEntry[] {
  const have = new Set(available.map((t) => t.endpoint));
  if (settings.targets.length === 0)
    return available.map((t) => ({
      endpoint: t.endpoint,
      person,
      startSeconds: 0,
      stopSeconds: dialTimeoutSeconds,
    }));
  const targets = settings.targets.flatMap((t): (RingTarget & { endpoint: string; leg?: OutsideLeg })[] => {
    const leg = t.kind === 'external' && t.number ? outside.get(t.number) : undefined;
    if (leg) return [{ ...t, endpoint: leg.endpoint, leg }];
    const endpoint = endpointOf(t, person.number);
    return endpoint && have.has(endpoint) ? [{ ...t, endpoint }] : [];
  });
  // An outside target (a mobile) is screened: its answer counts once 1 is pressed (its voicemail never takes the call).
  const entry = (t: (typeof targets)[number], start: number, ring: number): RingEntry => ({
    endpoint: t.endpoint,
    person,
    startSeconds: start,
    stopSeconds: start + ring,
    ...(t.leg ? { screenSeconds: t.leg.screenSeconds, callerId: t.leg.callerId } : {}),
  });
  switch (strategy) {
    case 'simultaneous':
      return targets.map((t) => entry(t, t.delaySeconds, t.timeoutSeconds));
    case 'sequential': {
      let cursor = 0;
      return targets.map((t) => {
        const e = entry(t, cursor + t.delaySeconds, t.timeoutSeconds);
        cursor = e.stopSeconds;
        return e;
      });
    }
    case 'follow-me': {
      const [first, ...rest] = targets;
      if (!first) return [];
      const after = first.delaySeconds + first.timeoutSeconds;
      const others = rest.map((t) => entry(t, after + t.delaySeconds, t.timeoutSeconds));
      const end = Math.max(after, ...others.map((e) => e.stopSeconds));
      return [{ ...entry(first, first.delaySeconds, 0), stopSeconds: end }, ...others];
    }
    default: {
      const never: never = strategy;
      throw new Error(`unknown strategy ${String(never)}`);
    }
  }
}
