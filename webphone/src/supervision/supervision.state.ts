import type { ServerMessage } from '../api/types';

export type SupervisionMode = 'monitor' | 'whisper' | 'barge';
export const modes: readonly SupervisionMode[] = ['monitor', 'whisper', 'barge'];

/** A supervision session as the controller shows it (`supervision-view.ts`). */
export interface SupervisionSession {
  id: string;
  callId: string | null;
  mode: SupervisionMode;
  /** `ringing` (the supervisor's devices), `waiting`, `building`, `active`, `refusing`, `ending`. */
  state: string;
  supervisorExtension: string;
  supervisorUserId: string;
  targetExtension: string;
  targetUserId: string;
  startedAt: string;
  activeAt: string | null;
}

/** What this supervisor asked for on a call and is waiting on. */
export type Control =
  | { kind: 'starting'; mode: SupervisionMode }
  | { kind: 'switching'; sessionId: string; mode: SupervisionMode }
  | { kind: 'stopping'; sessionId: string };

/**
 * The supervision sessions this client may see (the snapshot's `supervision`, then `supervision.*`), and this
 * supervisor's own requests per call (start, switch, stop) with their refusals. Pure.
 */
export interface SupervisionState {
  sessions: Readonly<Record<string, SupervisionSession>>;
  controls: Readonly<Record<string, Control>>;
  /** The controller's refusal of the last request, per call. */
  errors: Readonly<Record<string, string>>;
}

export type SupervisionEvent =
  | { type: 'message'; message: ServerMessage }
  | { type: 'start-requested'; callId: string; mode: SupervisionMode }
  | { type: 'start-answered'; callId: string; session: unknown }
  | { type: 'switch-requested'; callId: string; sessionId: string; mode: SupervisionMode }
  | { type: 'stop-requested'; callId: string; sessionId: string }
  | { type: 'answered'; callId: string }
  /** `gone`: the controller no longer has the session (404). */
  | { type: 'failed'; callId: string; message: string; gone?: string }
  | { type: 'reset' };

export const initialSupervisionState: SupervisionState = { sessions: {}, controls: {}, errors: {} };

/** What pressing a mode's button means now: start a session, switch the one there is, or nothing. */
export type ModeCommand =
  { kind: 'start' } | { kind: 'switch'; sessionId: string } | { kind: 'none'; why: 'current' | 'busy' };

export function ownSession(
  state: SupervisionState,
  callId: string,
  extension: string,
): SupervisionSession | undefined {
  return Object.values(state.sessions).find(
    (s) => s.callId === callId && s.supervisorExtension === extension,
  );
}

/** The mode being asked for (a switch under way) or else the session's own. */
export function shownMode(
  state: SupervisionState,
  callId: string,
  extension: string,
): SupervisionMode | null {
  const control = state.controls[callId];
  if (control?.kind === 'starting' || control?.kind === 'switching') return control.mode;
  return ownSession(state, callId, extension)?.mode ?? null;
}

export function modeCommand(
  state: SupervisionState,
  callId: string,
  extension: string,
  mode: SupervisionMode,
): ModeCommand {
  const control = state.controls[callId];
  if (control?.kind === 'starting' || control?.kind === 'stopping') return { kind: 'none', why: 'busy' };
  const session = ownSession(state, callId, extension);
  if (!session) return { kind: 'start' };
  // A switch asked for while one is being built: the controller lets the last mode asked for win.
  if (shownMode(state, callId, extension) === mode) return { kind: 'none', why: 'current' };
  return { kind: 'switch', sessionId: session.id };
}

export function supervisionReducer(state: SupervisionState, event: SupervisionEvent): SupervisionState {
  switch (event.type) {
    case 'reset':
      return initialSupervisionState;
    case 'message':
      return applyMessage(state, event.message);
    case 'start-requested':
      return {
        ...state,
        controls: { ...state.controls, [event.callId]: { kind: 'starting', mode: event.mode } },
        errors: without(state.errors, event.callId),
      };
    case 'switch-requested':
      return {
        ...state,
        controls: {
          ...state.controls,
          [event.callId]: { kind: 'switching', sessionId: event.sessionId, mode: event.mode },
        },
        errors: without(state.errors, event.callId),
      };
    case 'stop-requested':
      return {
        ...state,
        controls: { ...state.controls, [event.callId]: { kind: 'stopping', sessionId: event.sessionId } },
        errors: without(state.errors, event.callId),
      };
    case 'start-answered': {
      // 201 with the session ringing the supervisor's devices; events about it may already be here (newer).
      const session = toSession(event.session);
      const sessions =
        session && !state.sessions[session.id]
          ? { ...state.sessions, [session.id]: session }
          : state.sessions;
      return { ...state, sessions, controls: without(state.controls, event.callId) };
    }
    case 'answered': {
      // A switch is done when `supervision.changed` shows the new mode, a stop when `supervision.ended` comes.
      const control = state.controls[event.callId];
      if (control?.kind === 'switching' && state.sessions[control.sessionId]?.mode !== control.mode)
        return state;
      if (control?.kind === 'stopping' && state.sessions[control.sessionId]) return state;
      return { ...state, controls: without(state.controls, event.callId) };
    }
    case 'failed': {
      const sessions = event.gone ? without(state.sessions, event.gone) : state.sessions;
      return {
        sessions,
        controls: without(state.controls, event.callId),
        errors: { ...state.errors, [event.callId]: event.message },
      };
    }
  }
}

function applyMessage(state: SupervisionState, message: ServerMessage): SupervisionState {
  switch (message.type) {
    case 'snapshot': {
      const list = (message.data as { supervision?: unknown } | null)?.supervision;
      const sessions: Record<string, SupervisionSession> = {};
      for (const item of Array.isArray(list) ? list : []) {
        const session = toSession(item);
        if (session) sessions[session.id] = session;
      }
      // Requests whose session went while the socket was down have nothing left to wait for.
      const controls = Object.fromEntries(
        Object.entries(state.controls).filter(([, c]) => c.kind === 'starting' || sessions[c.sessionId]),
      );
      return { ...state, sessions, controls };
    }
    case 'supervision.started':
    case 'supervision.changed': {
      const session = toSession(message.data);
      if (!session) return state;
      const sessions = { ...state.sessions, [session.id]: session };
      const callId = session.callId;
      const control = callId ? state.controls[callId] : undefined;
      const done =
        control?.kind === 'switching' && control.sessionId === session.id && control.mode === session.mode;
      return {
        ...state,
        sessions,
        controls: done && callId ? without(state.controls, callId) : state.controls,
      };
    }
    case 'supervision.ended': {
      const session = toSession(message.data);
      if (!session) return state;
      const controls = Object.fromEntries(
        Object.entries(state.controls).filter(([, c]) => c.kind === 'starting' || c.sessionId !== session.id),
      );
      return { ...state, sessions: without(state.sessions, session.id), controls };
    }
    default:
      return state;
  }
}

function without<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function toSession(value: unknown): SupervisionSession | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const id = str(v.id);
  const mode = str(v.mode);
  if (!id || !mode || !(modes as readonly string[]).includes(mode)) return null;
  return {
    id,
    callId: str(v.callId),
    mode: mode as SupervisionMode,
    state: str(v.state) ?? 'active',
    supervisorExtension: str(v.supervisorExtension) ?? '',
    supervisorUserId: str(v.supervisorUserId) ?? '',
    targetExtension: str(v.targetExtension) ?? '',
    targetUserId: str(v.targetUserId) ?? '',
    startedAt: str(v.startedAt) ?? '',
    activeAt: str(v.activeAt),
  };
}
