import { apiFetch } from '../api/http';
import type { ServerMessage } from '../api/types';
import { createStore, type Store } from '../store';
import {
  hotdeskReducer,
  initialHotdeskState,
  type HotdeskEvent,
  type HotdeskSession,
  type HotdeskState,
} from './hotdesk.state';

export type HotdeskStore = Store<HotdeskState, HotdeskEvent>;

/** Hot desking from the browser: where the user is logged in, logging in at a desk with the PIN, logging out. */
export interface Hotdesk {
  store: HotdeskStore;
  refresh(): Promise<void>;
  onMessage(message: ServerMessage): void;
  /** Logs `extension` in at `deviceId` with the hot desk PIN; the controller's refusals are thrown (ApiError). */
  login(deviceId: string, extension: string, pin: string): Promise<void>;
  logout(deviceId: string): Promise<void>;
  reset(): void;
}

export function createHotdesk(token: () => Promise<string>): Hotdesk {
  const store: HotdeskStore = createStore(initialHotdeskState, hotdeskReducer);
  return {
    store,
    async refresh() {
      const list = await apiFetch<{ items: HotdeskSession[] }>('/hotdesk/sessions', { token: await token() });
      store.dispatch({ type: 'loaded', sessions: list.items });
    },
    onMessage(message) {
      if (message.type === 'hotdesk.login' || message.type === 'hotdesk.logout')
        store.dispatch({ type: message.type, data: message.data });
    },
    async login(deviceId, extension, pin) {
      const session = await apiFetch<HotdeskSession>('/hotdesk/login', {
        token: await token(),
        method: 'POST',
        body: { deviceId, extension, pin },
      });
      store.dispatch({ type: 'hotdesk.login', data: session });
    },
    async logout(deviceId) {
      await apiFetch('/hotdesk/logout', { token: await token(), method: 'POST', body: { deviceId } });
      await this.refresh();
    },
    reset: () => store.dispatch({ type: 'reset' }),
  };
}
