import { describe, expect, it } from 'vitest';
import type { VoicemailMessage } from '../api/voicemail';
import {
  initialVoicemailState,
  messagesOf,
  newCount,
  voicemailReducer,
  type VoicemailEvent,
} from './voicemail.state';

const me = '11111111-1111-4111-8111-111111111111';
const mate = '22222222-2222-4222-8222-222222222222';
const msg = (id: string, over: Partial<VoicemailMessage> = {}): VoicemailMessage => ({
  id,
  mailboxUserId: me,
  from: '1001',
  fromName: 'Alice',
  to: '1002',
  receivedAt: `2026-12-02T10:0${id}:00.000Z`,
  durationSeconds: 3,
  heard: false,
  ...over,
});
const run = (...events: VoicemailEvent[]) => events.reduce(voicemailReducer, initialVoicemailState);

describe('voicemail state', () => {
  it('lists only the own mailbox, newest first, and counts the unheard', () => {
    const state = run({
      type: 'listed',
      ownerId: me,
      messages: [msg('1'), msg('2', { heard: true }), msg('3', { mailboxUserId: mate })],
    });
    expect(state.loaded).toBe(true);
    expect(messagesOf(state).map((m) => m.id)).toEqual(['2', '1']);
    expect(newCount(state)).toBe(1);
  });

  it('folds new, updated and deleted events of the own mailbox; a teammate’s (a supervisor gets them) change nothing', () => {
    const listed: VoicemailEvent = { type: 'listed', ownerId: me, messages: [msg('1')] };
    const state = run(
      listed,
      { type: 'event', kind: 'voicemail.new', message: msg('2') },
      { type: 'event', kind: 'voicemail.new', message: msg('4', { mailboxUserId: mate }) },
      { type: 'event', kind: 'voicemail.updated', message: msg('1', { heard: true }) },
    );
    expect(messagesOf(state).map((m) => [m.id, m.heard])).toEqual([
      ['2', false],
      ['1', true],
    ]);
    expect(newCount(state)).toBe(1);
    const deleted = voicemailReducer(state, { type: 'event', kind: 'voicemail.deleted', message: msg('2') });
    expect(messagesOf(deleted).map((m) => m.id)).toEqual(['1']);
    expect(newCount(deleted)).toBe(0);
    expect(voicemailReducer(deleted, { type: 'event', kind: 'voicemail.deleted', message: msg('2') })).toBe(
      deleted,
    );
  });

  it('ignores events before the list is known, malformed data, and forgets all on reset', () => {
    const early = run({ type: 'event', kind: 'voicemail.new', message: msg('1') });
    expect(early).toBe(initialVoicemailState);
    const listed = run({ type: 'listed', ownerId: me, messages: [] });
    expect(voicemailReducer(listed, { type: 'event', kind: 'voicemail.new', message: { id: 7 } })).toBe(
      listed,
    );
    expect(voicemailReducer(listed, { type: 'reset' })).toBe(initialVoicemailState);
  });
});
