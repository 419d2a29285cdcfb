import type { FallbackKind } from '../../db/tables/inbound-routes.js';
import { toE164, type DialingPlan } from '../contacts/phone-number.js';
import type { InboundRouteBody } from './inbound-routes.schemas.js';

/** One problem of a body, by its path (`fallback.target`). */
export interface Problem {
  path: string;
  message: string;
}

export interface RouteValues {
  did: string;
  teamId: string;
  assignedRingSeconds: number;
  fallback: { kind: FallbackKind; target: string | null };
}

export type Checked = { kind: 'ok'; values: RouteValues } | { kind: 'invalid'; problems: Problem[] };

/**
 * An inbound route's body, pure: the DID in E.164, the fallback's target as it will be stored (an extension as
 * written, an outside number in E.164, none for hang-up); every problem named. Whether the extension is somebody's
 * is the service's question (`extensionExists`, answered before).
 */
export function checkInboundRoute(
  body: InboundRouteBody,
  plan: DialingPlan,
  extensionExists: (extension: string) => boolean,
): Checked {
  const problems: Problem[] = [];
  const did = toE164(body.did, plan);
  if (!did) problems.push({ path: 'did', message: `"${body.did}" is not a phone number` });
  const target = fallbackTarget(body.fallback, plan, extensionExists, problems);
  if (problems.length > 0 || !did) return { kind: 'invalid', problems };
  return {
    kind: 'ok',
    values: {
      did,
      teamId: body.teamId,
      assignedRingSeconds: body.assignedRingSeconds,
      fallback: { kind: body.fallback.kind, target },
    },
  };
}

function fallbackTarget(
  fallback: InboundRouteBody['fallback'],
  plan: DialingPlan,
  extensionExists: (extension: string) => boolean,
  problems: Problem[],
): string | null {
  const path = 'fallback.target';
  const { kind, target } = fallback;
  switch (kind) {
    case 'hangup':
      if (target !== undefined) problems.push({ path, message: 'a hang-up fallback takes no target' });
      return null;
    case 'extension':
      if (target === undefined) problems.push({ path, message: 'an extension is required' });
      else if (!/^\d{3,5}$/.test(target)) problems.push({ path, message: 'an extension is 3 to 5 digits' });
      else if (!extensionExists(target)) problems.push({ path, message: `nobody has extension ${target}` });
      return target ?? null;
    case 'external': {
      if (target === undefined) {
        problems.push({ path, message: 'a phone number is required' });
        return null;
      }
      const number = toE164(target, plan);
      if (!number) problems.push({ path, message: `"${target}" is not a phone number` });
      return number ?? null;
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown fallback ${String(never)}`);
    }
  }
}
