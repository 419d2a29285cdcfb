import { ApiError, apiFetch } from '../api/http';
import type { ServerMessage } from '../api/types';
import { createStore, type Store } from '../store';
import {
  initialSupervisionState,
  modeCommand,
  ownSession,
  supervisionReducer,
  type SupervisionEvent,
  type SupervisionMode,
  type SupervisionState,
} from './supervision.state';

export type SupervisionStore = Store<SupervisionState, SupervisionEvent>;

/**
 * A supervisor's controls in the browser: the store of sessions and requests, and the controller's supervision API
 * (`POST /api/supervision`, `PATCH`/`DELETE /api/supervision/{id}`). The controller rings the supervisor's devices
 * (desk phone and webphone, auto-answer); the first to answer listens.
 */
export interface Supervisor {
  store: SupervisionStore;
  onMessage(message: ServerMessage): void;
  /** Starts a session in `mode`, or switches the user's session on the call to it. */
  choose(callId: string, targetExtension: string, mode: SupervisionMode): Promise<void>;
  stop(callId: string): Promise<void>;
  reset(): void;
}

export function createSupervisor(token: () => Promise<string>, me: () => string | null): Supervisor {
  const store: SupervisionStore = createStore(initialSupervisionState, supervisionReducer);
  const failed = (callId: string, error: unknown, sessionId?: string) =>
    store.dispatch({
      type: 'failed',
      callId,
      message: error instanceof ApiError ? error.message : 'The request failed. Try again.',
      ...(error instanceof ApiError && error.status === 404 && sessionId ? { gone: sessionId } : {}),
    });
  return {
    store,
    onMessage(message) {
      if (message.type === 'snapshot' || message.type.startsWith('supervision.'))
        store.dispatch({ type: 'message', message });
    },
    async choose(callId, targetExtension, mode) {
      const extension = me();
      if (!extension) return;
      const command = modeCommand(store.getState(), callId, extension, mode);
      if (command.kind === 'none') return;
      if (command.kind === 'start') {
        store.dispatch({ type: 'start-requested', callId, mode });
        try {
          const session = await apiFetch<unknown>('/supervision', {
            token: await token(),
            method: 'POST',
            body: { callId, targetExtension, supervisorExtension: extension, mode },
          });
          store.dispatch({ type: 'start-answered', callId, session });
        } catch (error) {
          failed(callId, error);
        }
        return;
      }
      store.dispatch({ type: 'switch-requested', callId, sessionId: command.sessionId, mode });
      try {
        await apiFetch(`/supervision/${command.sessionId}`, {
          token: await token(),
          method: 'PATCH',
          body: { mode },
        });
        store.dispatch({ type: 'answered', callId });
      } catch (error) {
        failed(callId, error, command.sessionId);
      }
    },
    async stop(callId) {
      const extension = me();
      const session = extension ? ownSession(store.getState(), callId, extension) : undefined;
      if (!session || store.getState().controls[callId]?.kind === 'stopping') return;
      store.dispatch({ type: 'stop-requested', callId, sessionId: session.id });
      try {
        await apiFetch(`/supervision/${session.id}`, { token: await token(), method: 'DELETE' });
        store.dispatch({ type: 'answered', callId });
      } catch (error) {
        failed(callId, error, session.id);
      }
    },
    reset: () => store.dispatch({ type: 'reset' }),
  };
}
