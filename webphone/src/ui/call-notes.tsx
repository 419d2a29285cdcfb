import { useEffect } from 'react';
import { mayClose, type NotesDraft } from '../notes/notes.state';
import { useStore } from '../store';
import { useSession } from './context';

const statusText = (draft: NotesDraft): string => {
  if (draft.text.trim() === '' && draft.text !== draft.savedText)
    return draft.noteId ? 'An empty note is not saved: the last text is kept.' : '';
  switch (draft.status) {
    case 'saved':
      return draft.noteId ? 'Saved to the call history' : '';
    case 'unsaved':
      return 'Not saved yet…';
    case 'saving':
      return 'Saving…';
    case 'retrying':
      return `Not saved: ${draft.error ?? 'the PBX server cannot be reached'}. Retrying; nothing is lost.`;
  }
};

function NotesField({ draft, label }: { draft: NotesDraft; label: string }) {
  const { notes } = useSession();
  const status = statusText(draft);
  return (
    <div className="call-notes">
      <label htmlFor={`notes-${draft.callId}`}>{label}</label>
      <textarea
        id={`notes-${draft.callId}`}
        rows={3}
        maxLength={4000}
        value={draft.text}
        placeholder="Typed notes are saved to the call history and the contact"
        onChange={(e) => notes.type(draft.callId, e.target.value)}
      />
      <p className={`notes-status ${draft.status}`} role="status" data-testid="notes-status">
        {status}
      </p>
    </div>
  );
}

/** Notes for the call in progress (`callId`, the controller's call): typed here, saved as the agent pauses. */
export function CallNotesField({ callId, party }: { callId: string; party: string }) {
  const { notes } = useSession();
  useEffect(() => notes.open(callId, party), [notes, callId, party]);
  const draft = useStore(notes.store, (s) => s.drafts[callId]);
  return draft ? <NotesField draft={draft} label="Call notes" /> : null;
}

/** The notes of calls that have ended, kept on screen until they are saved and closed. */
export function EndedCallNotes() {
  const { notes } = useSession();
  const drafts = useStore(notes.store, (s) => s.drafts);
  const ended = Object.values(drafts).filter((d) => d.ended);
  if (ended.length === 0) return null;
  return (
    <section className="card panel" aria-labelledby="ended-notes-title" data-testid="ended-notes">
      <h2 id="ended-notes-title">Notes of ended calls</h2>
      {ended.map((draft) => (
        <div key={draft.callId} className="ended-notes">
          <NotesField draft={draft} label={`Notes: call with ${draft.party || 'unknown caller'}`} />
          <button
            type="button"
            className="ghost small"
            disabled={!mayClose(draft)}
            aria-label={`Close the notes of the call with ${draft.party || 'unknown caller'}`}
            onClick={() => notes.close(draft.callId)}
          >
            Done
          </button>
        </div>
      ))}
    </section>
  );
}
