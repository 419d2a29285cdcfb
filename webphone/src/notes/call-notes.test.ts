import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallNotes, SAVE_AFTER_MS } from './call-notes';

/** The controller's call-log routes as the notes need them, able to be unreachable for a while. */
function fakeController() {
  const state = { down: false, logReady: true, notes: new Map<string, string>(), requests: [] as string[] };
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    state.requests.push(`${method} ${url}`);
    if (state.down) throw new TypeError('Failed to fetch');
    if (url.startsWith('/api/call-logs?'))
      return Response.json({ items: state.logReady ? [{ id: 'log-1' }] : [], nextCursor: null });
    const body = JSON.parse(String(init.body)) as { body: string };
    const id = method === 'POST' ? `note-${state.notes.size + 1}` : url.split('/').pop()!;
    state.notes.set(id, body.body);
    return Response.json({ id, body: body.body }, { status: method === 'POST' ? 201 : 200 });
  });
  return state;
}

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

const token = async () => 'test-token';

describe('call notes auto-save', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('saves a pause after typing as one note, then edits that note', async () => {
    const controller = fakeController();
    const notes = createCallNotes(token, memoryStorage());
    notes.open('call-1', 'Ext 1003');
    notes.type('call-1', 'Wants');
    notes.type('call-1', 'Wants a refund');
    await vi.advanceTimersByTimeAsync(SAVE_AFTER_MS + 10);
    expect([...controller.notes]).toEqual([['note-1', 'Wants a refund']]);
    notes.type('call-1', 'Wants a refund, order 42');
    await vi.advanceTimersByTimeAsync(SAVE_AFTER_MS + 10);
    expect([...controller.notes]).toEqual([['note-1', 'Wants a refund, order 42']]);
    expect(controller.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
    expect(controller.requests.at(-1)).toBe('PATCH /api/call-logs/log-1/notes/note-1');
    expect(notes.store.getState().drafts['call-1']).toMatchObject({ status: 'saved', noteId: 'note-1' });
  });

  it('the controller unreachable: retrying, then saved once it is back, nothing lost', async () => {
    const controller = fakeController();
    controller.down = true;
    const notes = createCallNotes(token, memoryStorage());
    notes.open('call-1', 'Ext 1003');
    notes.type('call-1', 'Callback tomorrow');
    await vi.advanceTimersByTimeAsync(SAVE_AFTER_MS + 10);
    expect(notes.store.getState().drafts['call-1']).toMatchObject({ status: 'retrying' });
    controller.down = false;
    await vi.advanceTimersByTimeAsync(2_100);
    expect([...controller.notes.values()]).toEqual(['Callback tomorrow']);
    expect(notes.store.getState().drafts['call-1']!.status).toBe('saved');
  });

  it('a reload keeps the draft (sessionStorage) and saves what was not saved yet', async () => {
    const controller = fakeController();
    const storage = memoryStorage();
    const before = createCallNotes(token, storage);
    before.open('call-1', 'Ext 1003');
    before.type('call-1', 'Typed just before the reload');
    // The page goes away before the pause ends: a new page on the same tab storage.
    const after = createCallNotes(token, storage);
    expect(after.store.getState().drafts['call-1']!.text).toBe('Typed just before the reload');
    await vi.advanceTimersByTimeAsync(10);
    expect([...controller.notes.values()]).toEqual(['Typed just before the reload']);
  });

  it('the call log not written yet: tried again until it is', async () => {
    const controller = fakeController();
    controller.logReady = false;
    const notes = createCallNotes(token, memoryStorage());
    notes.open('call-1', 'Ext 1003');
    notes.type('call-1', 'Early note');
    await vi.advanceTimersByTimeAsync(SAVE_AFTER_MS + 10);
    expect(notes.store.getState().drafts['call-1']!.status).toBe('retrying');
    controller.logReady = true;
    await vi.advanceTimersByTimeAsync(2_100);
    expect([...controller.notes.values()]).toEqual(['Early note']);
  });

  it('a call no longer live ends its draft; a saved one then closes', async () => {
    fakeController();
    const notes = createCallNotes(token, memoryStorage());
    notes.open('call-1', 'Ext 1003');
    notes.type('call-1', 'Done');
    await vi.advanceTimersByTimeAsync(SAVE_AFTER_MS + 10);
    notes.liveCalls(new Set());
    expect(notes.store.getState().drafts['call-1']!.ended).toBe(true);
    notes.close('call-1');
    expect(notes.store.getState().drafts).toEqual({});
  });
});
