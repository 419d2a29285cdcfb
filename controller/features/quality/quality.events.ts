import type { AnyPbxEvent } from '../../bus/events.js';
import type { Principal } from '../../http/auth.js';

/** A leg of a call, as quality names it. */
export interface QualityLeg {
  channelId: string;
  role: string;
  endpoint: string;
}

/** A leg's MOS dropped below QUALITY_POOR_MOS (once; again only after a recovery: `quality.decider.ts`). */
export interface QualityPoor {
  callId: string;
  leg: QualityLeg;
  mos: number;
  jitterMs: number;
  lossPct: number;
  rttMs: number;
  threshold: number;
}

declare module '../../bus/events.js' {
  interface EventMap {
    'call.quality-poor': QualityPoor;
  }
}

/** Supervisors and admins, as the live figures (agents are not shown their calls' quality). */
export function qualityEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (event.type !== 'call.quality-poor') return undefined;
  return principal.role === 'admin' || principal.role === 'supervisor';
}
