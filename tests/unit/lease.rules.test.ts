import { describe, expect, it } from 'vitest';
import {
  afterAnswer,
  afterReplaced,
  initialLease,
  knownOwner,
  marginOf,
  mayAct,
  type OwnerRecord,
} from '../../controller/ha/lease.rules.js';

const TTL = 3000;
const me: OwnerRecord = { instanceId: 'me', url: 'http://me:3000', epoch: 4 };
const other: OwnerRecord = { instanceId: 'other', url: 'http://other:3000', epoch: 5 };

describe('the ARI lease rules', () => {
  it('acquires on an answer that the lease is ours, and may act until the send time + TTL − margin', () => {
    const step = afterAnswer(initialLease, { kind: 'ours', record: me }, 1000, TTL);
    expect(step.event).toBe('acquired');
    expect(mayAct(step.state, 1000 + TTL - marginOf(TTL) - 1)).toBe(true);
    expect(mayAct(step.state, 1000 + TTL - marginOf(TTL))).toBe(false);
  });

  it('renews without a second acquired event', () => {
    const held = afterAnswer(initialLease, { kind: 'ours', record: me }, 0, TTL).state;
    const renewed = afterAnswer(held, { kind: 'ours', record: me }, 1000, TTL);
    expect(renewed.event).toBeUndefined();
    expect(mayAct(renewed.state, 3500)).toBe(true);
  });

  it('shuts the gate of an owner paused past its lease, before it has renewed (the fence)', () => {
    const held = afterAnswer(initialLease, { kind: 'ours', record: me }, 0, TTL).state;
    // Woken ten seconds later: nothing has told it yet that it lost, but it may no longer act.
    expect(held.held).toBe(true);
    expect(mayAct(held, 10_000)).toBe(false);
  });

  it('is lost on an answer that the lease is another instance’s, which becomes the known owner', () => {
    const held = afterAnswer(initialLease, { kind: 'ours', record: me }, 0, TTL).state;
    const step = afterAnswer(held, { kind: 'theirs', record: other }, 1000, TTL);
    expect(step.event).toBe('lost');
    expect(mayAct(step.state, 1000)).toBe(false);
    expect(knownOwner(step.state, 1000, TTL)).toEqual(other);
  });

  it('keeps acting while the store does not answer (nobody can take it from a store nobody reaches)', () => {
    const held = afterAnswer(initialLease, { kind: 'ours', record: me }, 0, TTL).state;
    const step = afterAnswer(held, { kind: 'no-answer' }, 1000, TTL);
    expect(step.event).toBeUndefined();
    expect(mayAct(step.state, 60_000)).toBe(true);
    // …until Asterisk says another connection has the app.
    const replaced = afterReplaced(step.state);
    expect(replaced.event).toBe('lost');
    expect(mayAct(replaced.state, 60_000)).toBe(false);
  });

  it('a standby whose store does not answer never acts, and forgets an owner seen more than two TTLs ago', () => {
    const standby = afterAnswer(initialLease, { kind: 'theirs', record: other }, 0, TTL).state;
    const quiet = afterAnswer(standby, { kind: 'no-answer' }, 1000, TTL);
    expect(quiet.event).toBeUndefined();
    expect(mayAct(quiet.state, 1000)).toBe(false);
    expect(knownOwner(quiet.state, 2 * TTL, TTL)).toEqual(other);
    expect(knownOwner(quiet.state, 2 * TTL + 1, TTL)).toBeUndefined();
  });

  it('ApplicationReplaced on a standby changes nothing', () => {
    expect(afterReplaced(initialLease)).toEqual({ state: initialLease });
  });
});
