import { deleteMessage, fetchAudio, fetchMailbox, markHeard } from '../api/voicemail';
import type { ServerMessage } from '../api/types';
import { createStore, type Store } from '../store';
import {
  initialVoicemailState,
  isVoicemailEvent,
  voicemailReducer,
  type VoicemailEvent,
  type VoicemailState,
} from './voicemail.state';

export type VoicemailStore = Store<VoicemailState, VoicemailEvent>;

/** The user's mailbox in the browser: its store, and the commands the voicemail panel gives. */
export interface Mailbox {
  store: VoicemailStore;
  /** (Re)reads the list: on sign-in and whenever `/api/events` sends a snapshot (a reconnect may have missed events). */
  refresh(ownerId: string): Promise<void>;
  /** Folds a `voicemail.*` event in; anything else is ignored. */
  onMessage(message: ServerMessage): void;
  /** An object URL of the message's audio for an `<audio>` element; marks it heard (as the phone menu does). */
  audioUrl(id: string): Promise<string>;
  setHeard(id: string, heard: boolean): Promise<void>;
  remove(id: string): Promise<void>;
  reset(): void;
}

export function createMailbox(token: () => Promise<string>): Mailbox {
  const store: VoicemailStore = createStore(initialVoicemailState, voicemailReducer);
  const apply = (message: unknown, kind: 'voicemail.updated' | 'voicemail.deleted') =>
    store.dispatch({ type: 'event', kind, message });
  return {
    store,
    async refresh(ownerId) {
      const messages = await fetchMailbox(await token(), ownerId);
      store.dispatch({ type: 'listed', ownerId, messages });
    },
    onMessage(message) {
      if (isVoicemailEvent(message.type))
        store.dispatch({ type: 'event', kind: message.type, message: message.data });
    },
    async audioUrl(id) {
      const blob = await fetchAudio(await token(), id);
      if (store.getState().messages[id]?.heard === false) void this.setHeard(id, true).catch(() => undefined);
      return URL.createObjectURL(blob);
    },
    async setHeard(id, heard) {
      apply(await markHeard(await token(), id, heard), 'voicemail.updated');
    },
    async remove(id) {
      const message = store.getState().messages[id];
      await deleteMessage(await token(), id);
      if (message) apply(message, 'voicemail.deleted');
    },
    reset: () => store.dispatch({ type: 'reset' }),
  };
}
