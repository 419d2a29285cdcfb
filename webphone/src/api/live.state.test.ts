import { describe, expect, it } from 'vitest';
import { initialLiveState, liveReducer, type LiveEvent, type LiveState } from './live.state';
import type { ServerMessage } from './types';

const msg = (type: string, data: unknown, receivedAt = 1): LiveEvent => ({
  type: 'message',
  message: { type, at: '2025-01-01T10:00:00.000Z', data } satisfies ServerMessage,
  receivedAt,
});
const fold = (events: LiveEvent[], from: LiveState = initialLiveState) => events.reduce(liveReducer, from);

const alice = { number: '1001', name: 'Alice', userId: 'u1' };
const bob = { number: '1002', name: 'Bob', userId: 'u2' };
const call = {
  id: 'c1',
  state: 'ringing',
  from: alice,
  to: bob,
  answeredBy: null,
  startedAt: 'T',
  answeredAt: null,
  channels: [],
};
const slot = {
  slot: 705,
  occupied: true,
  callerIdNumber: '1001',
  callerIdName: 'Alice',
  parkerExtension: '1002',
  parkedAt: '2025-01-01T10:00:00.000Z',
  timeoutAt: '2025-01-01T10:05:00.000Z',
};

describe('live state: snapshot then events', () => {
  it('a snapshot without calls, parking or presence leaves them empty', () => {
    const state = fold([msg('snapshot', {})]);
    expect(state.calls).toEqual({});
    expect(state.parkSlots).toEqual({});
    expect(state.presence).toEqual({});
  });

  it('a snapshot part that failed (null) is empty', () => {
    expect(fold([msg('snapshot', { calls: null, parkSlots: null, presence: null })]).calls).toEqual({});
  });

  it('indexes the snapshot: calls by id, slots by number, presence by extension', () => {
    const state = fold([
      msg('snapshot', {
        calls: [call],
        parkSlots: [slot, { ...slot, slot: 706, occupied: false }],
        presence: [{ extension: '1002', displayName: 'Bob', state: 'available' }],
      }),
    ]);
    expect(Object.keys(state.calls)).toEqual(['c1']);
    expect(state.parkSlots['705']).toMatchObject({ slot: '705', occupied: true, callerIdName: 'Alice' });
    expect(state.parkSlots['706']?.occupied).toBe(false);
    expect(state.presence['1002']).toEqual({ extension: '1002', displayName: 'Bob', state: 'available' });
  });

  it('a new snapshot (after a reconnect) replaces everything', () => {
    const state = fold([msg('snapshot', { calls: [call] }), msg('snapshot', { calls: [] })]);
    expect(state.calls).toEqual({});
  });

  it('follows a call: ringing, answered, ended', () => {
    const ringing = fold([msg('snapshot', {}), msg('call.ringing', call)]);
    expect(ringing.calls.c1?.state).toBe('ringing');
    const answered = liveReducer(
      ringing,
      msg('call.answered', {
        ...call,
        state: 'answered',
        answeredBy: { extension: '1002', name: 'Bob', userId: 'u2' },
      }),
    );
    expect(answered.calls.c1).toMatchObject({ state: 'answered', answeredBy: { extension: '1002' } });
    expect(liveReducer(answered, msg('call.ended', { ...call, state: 'ended' })).calls).toEqual({});
  });

  it('parks and unparks a slot, and remembers who parked where', () => {
    const parked = fold([msg('snapshot', {}), msg('call.parked', slot, 500)]);
    expect(parked.parkSlots['705']).toMatchObject({ occupied: true, parkerExtension: '1002' });
    expect(parked.lastParkBy['1002']).toEqual({ slot: '705', receivedAt: 500 });
    const unparked = liveReducer(parked, msg('call.unparked', { slot: '705' }));
    expect(unparked.parkSlots['705']).toMatchObject({ occupied: false, callerIdName: null });
  });

  it('keeps a slot held on park.timeout (the parker is rung back) and frees it on park.abandoned', () => {
    const parked = fold([msg('snapshot', {}), msg('call.parked', slot, 500)]);
    const recalling = liveReducer(parked, msg('park.timeout', { ...slot, recallTo: '1002' }));
    expect(recalling.parkSlots['705']).toMatchObject({ occupied: true, callerIdName: 'Alice' });
    const abandoned = liveReducer(
      recalling,
      msg('park.abandoned', { ...slot, occupied: false, reason: 'caller-hung-up' }),
    );
    expect(abandoned.parkSlots['705']).toMatchObject({ occupied: false, callerIdName: null });
  });

  it('accepts a park event that wraps the slot', () => {
    const state = fold([msg('call.parked', { parkSlot: slot, callId: 'c9' })]);
    expect(state.parkSlots['705']?.occupied).toBe(true);
  });

  it('updates presence, keeping the name it had', () => {
    const state = fold([
      msg('snapshot', { presence: [{ extension: '1002', displayName: 'Bob', state: 'available' }] }),
      msg('presence.changed', { extension: '1002', state: 'on-call' }),
    ]);
    expect(state.presence['1002']).toEqual({ extension: '1002', displayName: 'Bob', state: 'on-call' });
  });

  it('keeps the status text and the stale mark of a presence view', () => {
    const state = fold([
      msg('presence.changed', {
        extension: '1003',
        displayName: 'Cy',
        state: 'dnd',
        status: 'at lunch',
        stale: true,
      }),
    ]);
    expect(state.presence['1003']).toEqual({
      extension: '1003',
      displayName: 'Cy',
      state: 'dnd',
      status: 'at lunch',
      stale: true,
    });
    const fresh = fold([
      msg('presence.changed', {
        extension: '1003',
        displayName: 'Cy',
        state: 'dnd',
        status: 'at lunch',
        stale: true,
      }),
      msg('presence.changed', { extension: '1003', state: 'available', status: null, stale: false }),
    ]);
    expect(Object.keys(fresh.presence['1003']!).sort()).toEqual(['displayName', 'extension', 'state']);
    expect(fresh.presence['1003']).toMatchObject({ displayName: 'Cy', state: 'available' });
  });

  it('ignores unknown events and malformed data', () => {
    const start = fold([msg('snapshot', {})]);
    expect(liveReducer(start, msg('page.started', { id: 'p' }))).toBe(start);
    expect(liveReducer(start, msg('call.parked', { slot: 'abc' }))).toBe(start);
    expect(liveReducer(start, msg('call.ringing', null))).toBe(start);
  });
});
