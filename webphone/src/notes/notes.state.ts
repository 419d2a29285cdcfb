/**
 * Notes typed during a call (issue 14): one draft per call, auto-saved to the call's log (and so to its contact) as
 * one note that each save edits. Pure: the shell (`call-notes.ts`) persists the state in the tab's sessionStorage
 * (a reload or a dropped socket loses nothing) and does the saving this reducer asks for.
 */
export type SaveStatus = 'unsaved' | 'saving' | 'saved' | 'retrying';

export interface NotesDraft {
  callId: string;
  /** Who the call was with, for the card once the call has ended. */
  party: string;
  text: string;
  /** What the controller holds: the call's log, the note, and the text of the last save. */
  callLogId: string | null;
  noteId: string | null;
  savedText: string;
  status: SaveStatus;
  /** Why the last save failed (shown while retrying). */
  error: string | null;
  /** The call is over: the card stays until its notes are saved and it is closed. */
  ended: boolean;
}

export interface NotesState {
  drafts: Record<string, NotesDraft>;
}

export type NotesEvent =
  | { type: 'opened'; callId: string; party: string }
  | { type: 'typed'; callId: string; text: string }
  | { type: 'save-started'; callId: string }
  | { type: 'saved'; callId: string; callLogId: string; noteId: string; text: string }
  | { type: 'save-failed'; callId: string; error: string }
  | { type: 'ended'; callId: string }
  | { type: 'closed'; callId: string }
  | { type: 'restored'; state: NotesState }
  | { type: 'reset' };

export const initialNotesState: NotesState = { drafts: {} };

const blank = (text: string) => text.trim() === '';

/**
 * Something typed that the controller does not have yet. A blank draft is never sent (a note cannot be empty): the
 * note keeps its last saved text.
 */
export function needsSave(draft: NotesDraft): boolean {
  return draft.status !== 'saving' && draft.text !== draft.savedText && !blank(draft.text);
}

/** A card may close once nothing typed would be lost. */
export function mayClose(draft: NotesDraft): boolean {
  return draft.ended && draft.status !== 'saving' && (draft.text === draft.savedText || blank(draft.text));
}

function patch(state: NotesState, callId: string, change: Partial<NotesDraft>): NotesState {
  const draft = state.drafts[callId];
  if (!draft) return state;
  return { drafts: { ...state.drafts, [callId]: { ...draft, ...change } } };
}

export function notesReducer(state: NotesState, event: NotesEvent): NotesState {
  switch (event.type) {
    case 'opened': {
      const draft = state.drafts[event.callId];
      if (draft)
        return draft.party === event.party || !event.party
          ? state
          : patch(state, event.callId, { party: event.party });
      const opened: NotesDraft = {
        callId: event.callId,
        party: event.party,
        text: '',
        callLogId: null,
        noteId: null,
        savedText: '',
        status: 'saved',
        error: null,
        ended: false,
      };
      return { drafts: { ...state.drafts, [event.callId]: opened } };
    }
    case 'typed': {
      const draft = state.drafts[event.callId];
      if (!draft || draft.text === event.text) return state;
      const status =
        draft.status === 'saving' ? 'saving' : event.text === draft.savedText ? 'saved' : 'unsaved';
      return patch(state, event.callId, { text: event.text, status });
    }
    case 'save-started':
      return patch(state, event.callId, { status: 'saving' });
    case 'saved': {
      const draft = state.drafts[event.callId];
      if (!draft) return state;
      return patch(state, event.callId, {
        callLogId: event.callLogId,
        noteId: event.noteId,
        savedText: event.text,
        status: draft.text === event.text ? 'saved' : 'unsaved',
        error: null,
      });
    }
    case 'save-failed':
      return patch(state, event.callId, { status: 'retrying', error: event.error });
    case 'ended':
      return state.drafts[event.callId]?.ended === false
        ? patch(state, event.callId, { ended: true })
        : state;
    case 'closed': {
      const draft = state.drafts[event.callId];
      if (!draft || !mayClose(draft)) return state;
      const { [event.callId]: _closed, ...rest } = state.drafts;
      return { drafts: rest };
    }
    case 'restored':
      // A save in flight when the page went away is done again.
      return {
        drafts: Object.fromEntries(
          Object.entries(event.state.drafts).map(([id, d]) => [
            id,
            d.status === 'saving' ? { ...d, status: 'unsaved' as const } : d,
          ]),
        ),
      };
    case 'reset':
      return initialNotesState;
  }
}
