import { ApiError, apiFetch } from '../api/http';
import type { ServerMessage } from '../api/types';
import { createStore, type Store } from '../store';
import {
  initialPagingState,
  pagingReducer,
  type PageTarget,
  type PagingEvent,
  type PagingState,
  type Priority,
} from './paging.state';

export type PagingStore = Store<PagingState, PagingEvent>;

/**
 * The paging console's commands over the controller's API: groups and zones (`GET /api/paging/groups|zones`),
 * `POST /api/paging/pages` (the user's phones ring; answered, the members' phones are called with auto-answer) and
 * `DELETE /api/paging/pages/{id}`. The reducer decides what is sent: an emergency only once confirmed.
 */
export interface PagingConsole {
  store: PagingStore;
  onMessage(message: ServerMessage): void;
  /** Reads groups and zones again (on every snapshot: a reconnect may have missed changes). */
  refresh(): Promise<void>;
  page(target: PageTarget, priority: Priority): Promise<void>;
  confirm(): Promise<void>;
  cancel(): void;
  stop(pageId: string): Promise<void>;
  dismissError(): void;
  reset(): void;
}

const messageOf = (error: unknown) =>
  error instanceof ApiError ? error.message : 'The request failed. Try again.';

export function createPagingConsole(token: () => Promise<string>, me: () => string | null): PagingConsole {
  const store: PagingStore = createStore(initialPagingState, pagingReducer);

  /** Sends what the reducer put in `sending`, if anything. */
  async function send() {
    const request = store.getState().sending;
    const fromExtension = me();
    if (!request || !fromExtension) return;
    const key = request.target.kind === 'group' ? 'groupId' : 'zoneId';
    try {
      const page = await apiFetch<unknown>('/paging/pages', {
        token: await token(),
        method: 'POST',
        body: {
          [key]: request.target.id,
          fromExtension,
          ...(request.priority === 'emergency' ? { priority: 'emergency' } : {}),
        },
      });
      store.dispatch({ type: 'page-answered', page });
    } catch (error) {
      store.dispatch({ type: 'page-failed', message: messageOf(error) });
    }
  }

  return {
    store,
    onMessage(message) {
      if (message.type === 'snapshot' || message.type.startsWith('page.'))
        store.dispatch({ type: 'message', message });
    },
    async refresh() {
      try {
        const t = await token();
        const [groups, zones] = await Promise.all([
          apiFetch<{ items: unknown[] }>('/paging/groups', { token: t }),
          apiFetch<{ items: unknown[] }>('/paging/zones', { token: t }),
        ]);
        store.dispatch({ type: 'config-loaded', groups: groups.items ?? [], zones: zones.items ?? [] });
      } catch {
        store.dispatch({ type: 'config-failed' });
      }
    },
    async page(target, priority) {
      const before = store.getState();
      store.dispatch({ type: 'page-requested', target, priority });
      if (store.getState().sending && !before.sending) await send();
    },
    async confirm() {
      if (!store.getState().confirming) return;
      store.dispatch({ type: 'confirmed' });
      await send();
    },
    cancel: () => store.dispatch({ type: 'cancelled' }),
    async stop(pageId) {
      store.dispatch({ type: 'stop-requested', pageId });
      try {
        await apiFetch(`/paging/pages/${pageId}`, { token: await token(), method: 'DELETE' });
        store.dispatch({ type: 'stop-answered', pageId });
      } catch (error) {
        store.dispatch({ type: 'stop-failed', pageId, message: messageOf(error) });
      }
    },
    dismissError: () => store.dispatch({ type: 'dismiss-error' }),
    reset: () => store.dispatch({ type: 'reset' }),
  };
}
