import { describe, expect, it } from 'vitest';
import { initialNotesState, mayClose, needsSave, notesReducer, type NotesEvent } from './notes.state';

const run = (...events: NotesEvent[]) => events.reduce(notesReducer, initialNotesState);
const opened: NotesEvent = { type: 'opened', callId: 'c1', party: 'Ext 1003' };

describe('call notes (pure)', () => {
  it('a call opens an empty draft that needs no save; typing makes it unsaved', () => {
    const fresh = run(opened).drafts.c1!;
    expect(fresh).toMatchObject({ text: '', status: 'saved', ended: false });
    expect(needsSave(fresh)).toBe(false);
    const typed = run(opened, { type: 'typed', callId: 'c1', text: 'Wants a refund' }).drafts.c1!;
    expect(typed.status).toBe('unsaved');
    expect(needsSave(typed)).toBe(true);
  });

  it('opening the same call again keeps what was typed (a re-render, a restored tab)', () => {
    const state = run(opened, { type: 'typed', callId: 'c1', text: 'x' }, opened);
    expect(state.drafts.c1!.text).toBe('x');
  });

  it('typing during a save: saved, then unsaved again with the newer text', () => {
    const state = run(
      opened,
      { type: 'typed', callId: 'c1', text: 'Wants' },
      { type: 'save-started', callId: 'c1' },
      { type: 'typed', callId: 'c1', text: 'Wants a refund' },
    );
    expect(state.drafts.c1!.status).toBe('saving');
    expect(needsSave(state.drafts.c1!)).toBe(false); // one save at a time
    const after = notesReducer(state, {
      type: 'saved',
      callId: 'c1',
      callLogId: 'l1',
      noteId: 'n1',
      text: 'Wants',
    });
    expect(after.drafts.c1).toMatchObject({
      status: 'unsaved',
      savedText: 'Wants',
      noteId: 'n1',
      callLogId: 'l1',
    });
    expect(needsSave(after.drafts.c1!)).toBe(true);
  });

  it('a failed save is retrying with its reason; the next save clears it', () => {
    const failed = run(
      opened,
      { type: 'typed', callId: 'c1', text: 'a' },
      { type: 'save-started', callId: 'c1' },
      { type: 'save-failed', callId: 'c1', error: 'The PBX server cannot be reached.' },
    );
    expect(failed.drafts.c1).toMatchObject({
      status: 'retrying',
      error: 'The PBX server cannot be reached.',
    });
    expect(needsSave(failed.drafts.c1!)).toBe(true);
    const saved = notesReducer(failed, {
      type: 'saved',
      callId: 'c1',
      callLogId: 'l',
      noteId: 'n',
      text: 'a',
    });
    expect(saved.drafts.c1).toMatchObject({ status: 'saved', error: null });
  });

  it('a blank draft is never sent; the note keeps its last text', () => {
    const state = run(
      opened,
      { type: 'typed', callId: 'c1', text: 'a' },
      { type: 'saved', callId: 'c1', callLogId: 'l', noteId: 'n', text: 'a' },
      { type: 'typed', callId: 'c1', text: '   ' },
    );
    expect(needsSave(state.drafts.c1!)).toBe(false);
  });

  it('an ended call keeps its card until nothing is unsaved; then it closes', () => {
    const unsaved = run(opened, { type: 'typed', callId: 'c1', text: 'a' }, { type: 'ended', callId: 'c1' });
    expect(mayClose(unsaved.drafts.c1!)).toBe(false);
    expect(notesReducer(unsaved, { type: 'closed', callId: 'c1' })).toBe(unsaved);
    const saved = notesReducer(unsaved, {
      type: 'saved',
      callId: 'c1',
      callLogId: 'l',
      noteId: 'n',
      text: 'a',
    });
    expect(notesReducer(saved, { type: 'closed', callId: 'c1' }).drafts).toEqual({});
    // A live call's card does not close.
    expect(run(opened, { type: 'closed', callId: 'c1' }).drafts.c1).toBeDefined();
  });

  it('restored from the tab: a save that was in flight is done again', () => {
    const inFlight = run(
      opened,
      { type: 'typed', callId: 'c1', text: 'a' },
      { type: 'save-started', callId: 'c1' },
    );
    const restored = notesReducer(initialNotesState, { type: 'restored', state: inFlight });
    expect(restored.drafts.c1).toMatchObject({ status: 'unsaved', text: 'a' });
    expect(needsSave(restored.drafts.c1!)).toBe(true);
  });
});
