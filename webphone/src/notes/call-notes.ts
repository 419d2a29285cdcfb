import { ApiError, apiFetch } from '../api/http';
import { createStore, type Store } from '../store';
import {
  initialNotesState,
  needsSave,
  notesReducer,
  type NotesDraft,
  type NotesEvent,
  type NotesState,
} from './notes.state';

export type NotesStore = Store<NotesState, NotesEvent>;

/** Notes during calls: the drafts, typing, and the auto-save behind them. */
export interface CallNotes {
  store: NotesStore;
  /** The user's call `callId` is on: its draft exists (kept if it did already). */
  open(callId: string, party: string): void;
  type(callId: string, text: string): void;
  /** These calls are the live ones: a draft of any other call is of an ended call. */
  liveCalls(callIds: ReadonlySet<string>): void;
  close(callId: string): void;
  /** Try every unsaved draft now (back online, the events socket back). */
  retry(): void;
  reset(): void;
}

const storageKey = 'ari-pbx.call-notes';
/** Typing pauses this long before a save; a failed save is tried again after 2, 4, 8 … 30 s. */
export const SAVE_AFTER_MS = 800;
const retryMs = (attempt: number) => Math.min(30_000, 2_000 * 2 ** attempt);

interface NoteView {
  id: string;
}

export function createCallNotes(
  token: () => Promise<string>,
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = sessionStorage,
): CallNotes {
  const store: NotesStore = createStore(initialNotesState, notesReducer);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const failures = new Map<string, number>();
  const draftOf = (callId: string): NotesDraft | undefined => store.getState().drafts[callId];

  const saved = storage.getItem(storageKey);
  if (saved) {
    try {
      store.dispatch({ type: 'restored', state: JSON.parse(saved) as NotesState });
    } catch {
      storage.removeItem(storageKey);
    }
  }
  store.subscribe(() => storage.setItem(storageKey, JSON.stringify(store.getState())));

  const schedule = (callId: string, delayMs: number) => {
    clearTimeout(timers.get(callId));
    timers.set(
      callId,
      setTimeout(() => void save(callId), delayMs),
    );
  };

  async function findLog(callId: string): Promise<string | null> {
    const page = await apiFetch<{ items: { id: string }[] }>(
      `/call-logs?${new URLSearchParams({ callId, limit: '1' })}`,
      { token: await token() },
    );
    return page.items[0]?.id ?? null;
  }

  async function save(callId: string): Promise<void> {
    timers.delete(callId);
    const draft = draftOf(callId);
    if (!draft || !needsSave(draft)) return;
    const text = draft.text;
    store.dispatch({ type: 'save-started', callId });
    try {
      const callLogId = draft.callLogId ?? (await findLog(callId));
      if (!callLogId) throw new ApiError(404, 'no-call-log-yet', 'The call is not in the call history yet.');
      const t = await token();
      const base = `/call-logs/${encodeURIComponent(callLogId)}/notes`;
      const note = draft.noteId
        ? await apiFetch<NoteView>(`${base}/${encodeURIComponent(draft.noteId)}`, {
            token: t,
            method: 'PATCH',
            body: { body: text.trim() },
          })
        : await apiFetch<NoteView>(base, { token: t, method: 'POST', body: { body: text.trim() } });
      failures.delete(callId);
      store.dispatch({ type: 'saved', callId, callLogId, noteId: note.id, text });
      const now = draftOf(callId);
      if (now && needsSave(now)) schedule(callId, SAVE_AFTER_MS);
    } catch (error) {
      const attempt = failures.get(callId) ?? 0;
      failures.set(callId, attempt + 1);
      const message = error instanceof ApiError ? error.message : 'The note could not be saved.';
      store.dispatch({ type: 'save-failed', callId, error: message });
      schedule(callId, retryMs(attempt));
    }
  }

  const retryAll = () => {
    for (const draft of Object.values(store.getState().drafts))
      if (needsSave(draft)) schedule(draft.callId, 0);
  };
  retryAll();

  return {
    store,
    open: (callId, party) => store.dispatch({ type: 'opened', callId, party }),
    type(callId, text) {
      store.dispatch({ type: 'typed', callId, text });
      const draft = draftOf(callId);
      if (draft && needsSave(draft)) schedule(callId, SAVE_AFTER_MS);
    },
    liveCalls(callIds) {
      for (const draft of Object.values(store.getState().drafts))
        if (!draft.ended && !callIds.has(draft.callId))
          store.dispatch({ type: 'ended', callId: draft.callId });
    },
    close: (callId) => store.dispatch({ type: 'closed', callId }),
    retry: retryAll,
    reset() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      store.dispatch({ type: 'reset' });
      storage.removeItem(storageKey);
    },
  };
}
