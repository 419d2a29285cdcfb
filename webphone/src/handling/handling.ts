import { apiFetch } from '../api/http';
import type { ServerMessage } from '../api/types';
import { createStore, type Store } from '../store';
import type { RingSettings } from './ring-settings.form';
import {
  handlingReducer,
  initialHandlingState,
  isHandlingEvent,
  type HandlingEvent,
  type HandlingState,
} from './handling.state';

export type HandlingStore = Store<HandlingState, HandlingEvent>;

/** The user's DND and forward in the browser: the store and the two commands of the status panel. */
export interface CallHandling {
  store: HandlingStore;
  refresh(ownerId: string): Promise<void>;
  onMessage(message: ServerMessage): void;
  setDnd(enabled: boolean): Promise<void>;
  /** Forwards every call to `number` (null: off). The controller's validation error is thrown as an ApiError. */
  setForwardAlways(number: string | null): Promise<void>;
  /** The user's ring strategy, targets and schedule (`GET|PUT /api/users/{id}/ring-settings`). */
  ringSettings(userId: string): Promise<RingSettings>;
  /** Saves them; the controller's validation problems are thrown as an ApiError (`details`: path and message). */
  saveRingSettings(userId: string, settings: RingSettings): Promise<RingSettings>;
  reset(): void;
}

interface DndView {
  enabled: boolean;
}
interface ForwardingView {
  always: string | null;
}

export function createCallHandling(token: () => Promise<string>): CallHandling {
  const store: HandlingStore = createStore(initialHandlingState, handlingReducer);
  const url = (what: string) => {
    const owner = store.getState().ownerId;
    if (!owner) throw new Error('not signed in');
    return `/users/${encodeURIComponent(owner)}/${what}`;
  };
  const put = async <T>(what: string, body: unknown) =>
    apiFetch<T>(url(what), { token: await token(), method: 'PUT', body });
  const fold = (kind: 'user.dnd-changed' | 'user.forwarding-changed', data: unknown) =>
    store.dispatch({ type: 'event', kind, data: { ...(data as object), userId: store.getState().ownerId } });
  return {
    store,
    async refresh(ownerId) {
      const t = await token();
      const base = `/users/${encodeURIComponent(ownerId)}`;
      const [dnd, forwarding] = await Promise.all([
        apiFetch<DndView>(`${base}/dnd`, { token: t }),
        apiFetch<ForwardingView>(`${base}/forwarding`, { token: t }),
      ]);
      store.dispatch({ type: 'loaded', ownerId, dnd: dnd.enabled, forwardAlways: forwarding.always });
    },
    onMessage(message) {
      if (isHandlingEvent(message.type))
        store.dispatch({ type: 'event', kind: message.type, data: message.data });
    },
    async setDnd(enabled) {
      fold('user.dnd-changed', await put<DndView>('dnd', { enabled }));
    },
    async setForwardAlways(number) {
      fold('user.forwarding-changed', await put<ForwardingView>('forwarding', { always: number }));
    },
    ringSettings: async (userId) =>
      apiFetch<RingSettings>(`/users/${encodeURIComponent(userId)}/ring-settings`, { token: await token() }),
    saveRingSettings: async (userId, settings) =>
      apiFetch<RingSettings>(`/users/${encodeURIComponent(userId)}/ring-settings`, {
        token: await token(),
        method: 'PUT',
        body: settings,
      }),
    reset: () => store.dispatch({ type: 'reset' }),
  };
}
