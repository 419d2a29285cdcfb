import { describe, expect, it } from 'vitest';
import { handlingReducer, initialHandlingState, type HandlingEvent } from './handling.state';

const me = 'u-me';
const run = (...events: HandlingEvent[]) => events.reduce(handlingReducer, initialHandlingState);
const loaded: HandlingEvent = { type: 'loaded', ownerId: me, dnd: false, forwardAlways: null };

describe('call handling state', () => {
  it('follows the own DND and forward events (a desk phone’s *76 / *72), not a teammate’s', () => {
    const state = run(
      loaded,
      { type: 'event', kind: 'user.dnd-changed', data: { userId: me, enabled: true, by: 'phone' } },
      { type: 'event', kind: 'user.dnd-changed', data: { userId: 'u-mate', enabled: false } },
      { type: 'event', kind: 'user.forwarding-changed', data: { userId: me, always: '1003', busy: null } },
    );
    expect(state).toMatchObject({ dnd: true, forwardAlways: '1003' });
    const off = handlingReducer(state, {
      type: 'event',
      kind: 'user.forwarding-changed',
      data: { userId: me, always: null },
    });
    expect(off.forwardAlways).toBeNull();
  });

  it('ignores events before it is loaded and malformed ones; reset forgets', () => {
    expect(run({ type: 'event', kind: 'user.dnd-changed', data: { userId: me, enabled: true } })).toBe(
      initialHandlingState,
    );
    const state = run(loaded);
    expect(handlingReducer(state, { type: 'event', kind: 'user.dnd-changed', data: { userId: me } })).toBe(
      state,
    );
    expect(
      handlingReducer(state, { type: 'event', kind: 'user.forwarding-changed', data: { userId: me } }),
    ).toBe(state);
    expect(handlingReducer(state, { type: 'reset' })).toBe(initialHandlingState);
  });
});
