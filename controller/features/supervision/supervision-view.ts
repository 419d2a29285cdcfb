import type { AnyPbxEvent } from '../../bus/events.js';
import type { Principal } from '../../http/auth.js';
import { canSeeSession } from './supervision.access.js';
import type { EndReason, SessionState, SupervisionMode } from './supervision.types.js';

/** A supervision session as the API and the WebSocket show it (SPEC: id, callId, mode, the two extensions, startedAt). */
export interface SessionView {
  id: string;
  callId: string | null;
  mode: SupervisionMode;
  /** `ringing` (API: the supervisor's devices), `waiting` (the agent is on no call), `building`, `active`, `ending`. */
  state: SessionState['phase'];
  supervisorExtension: string;
  supervisorUserId: string;
  targetExtension: string;
  targetUserId: string;
  /** The supervised agent's team: who else may see the session. */
  targetTeamId: string | null;
  startedAt: string;
  /** When the supervisor first heard the call. */
  activeAt: string | null;
}

export interface SessionChangedView extends SessionView {
  from: SupervisionMode;
}

export interface SessionEndedView extends SessionView {
  reason: EndReason;
  endedAt: string;
}

export function toSessionView(session: SessionState, targetTeamId: string | null): SessionView {
  return {
    id: session.id,
    callId: session.call?.callId ?? null,
    mode: session.current?.mode ?? session.mode,
    state: session.phase,
    supervisorExtension: session.supervisor.extension,
    supervisorUserId: session.supervisor.userId,
    targetExtension: session.target.extension,
    targetUserId: session.target.userId,
    targetTeamId,
    startedAt: session.startedAt,
    activeAt: session.activeAt,
  };
}

declare module '../../bus/events.js' {
  interface EventMap {
    /** The supervisor hears the agent's call (the first audio path is up). */
    'supervision.started': SessionView;
    /** The supervisor is on the new mode's audio path (the old one is being torn down). */
    'supervision.changed': SessionChangedView;
    /** Every channel and bridge of the session is gone (the call itself goes on). */
    'supervision.ended': SessionEndedView;
  }
}

const types: ReadonlySet<string> = new Set([
  'supervision.started',
  'supervision.changed',
  'supervision.ended',
]);

/**
 * WebSocket visibility of supervision events: admins, the supervisor and their team's supervisors; the supervised
 * agent's own clients only while the mode is barge (a monitored or coached agent must not learn it from here).
 */
export function supervisionEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!types.has(event.type)) return undefined;
  return canSeeSession(principal, event.data as SessionView);
}
