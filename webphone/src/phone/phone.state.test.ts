import { describe, expect, it } from 'vitest';
import { initialPhoneState, phoneReducer } from './phone.state';
import type { PhoneEvent, PhoneState } from './phone.types';

const fold = (events: PhoneEvent[], from: PhoneState = initialPhoneState) =>
  events.reduce(phoneReducer, from);
const bob = { number: '1002', name: 'Bob' };

describe('registration', () => {
  const cases: [string, PhoneEvent[], PhoneState['registration']][] = [
    ['starts unregistered', [], { kind: 'unregistered' }],
    ['registering once started', [{ type: 'ua.starting' }], { kind: 'registering' }],
    [
      'registered after REGISTER 200',
      [
        { type: 'ua.starting' },
        { type: 'ws.connecting', attempts: 1 },
        { type: 'ws.connected' },
        { type: 'reg.registered' },
      ],
      { kind: 'registered' },
    ],
    [
      'a WebSocket that never opened was refused',
      [{ type: 'ua.starting' }, { type: 'ws.connecting', attempts: 1 }, { type: 'ws.disconnected' }],
      { kind: 'disconnected', problem: 'ws-refused', attempts: 1 },
    ],
    [
      'retries keep the problem and count attempts',
      [{ type: 'ua.starting' }, { type: 'ws.disconnected' }, { type: 'ws.connecting', attempts: 3 }],
      { kind: 'disconnected', problem: 'ws-refused', attempts: 3 },
    ],
    [
      'a WebSocket that was open and closed is lost, not refused',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.registered' },
        { type: 'ws.disconnected' },
      ],
      { kind: 'disconnected', problem: 'ws-closed', attempts: 1 },
    ],
    [
      'reconnected: registering again',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'ws.disconnected' },
        { type: 'ws.connected' },
      ],
      { kind: 'registering' },
    ],
    [
      '401 is credentials refused',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: 401, cause: 'Authentication Error', failures: 1, retryInMs: 2000 },
      ],
      { kind: 'failed', problem: 'credentials-refused', detail: '401', failures: 1, retrying: true },
    ],
    [
      '403 is credentials refused; given up after 9',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: 403, cause: 'Rejected', failures: 9, retryInMs: null },
      ],
      { kind: 'failed', problem: 'credentials-refused', detail: '403', failures: 9, retrying: false },
    ],
    [
      'a timeout is the registrar',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: null, cause: 'Request Timeout', failures: 3, retryInMs: 8000 },
      ],
      { kind: 'failed', problem: 'registrar-error', detail: 'Request Timeout', failures: 3, retrying: true },
    ],
    [
      'a failed re-REGISTER (JsSIP then says unregistered) keeps the failure',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.registered' },
        { type: 'reg.failed', statusCode: 503, cause: 'Service Unavailable', failures: 1, retryInMs: 2000 },
        { type: 'reg.unregistered' },
      ],
      {
        kind: 'failed',
        problem: 'registrar-error',
        detail: '503 Service Unavailable',
        failures: 1,
        retrying: true,
      },
    ],
    [
      'refused, then registered on a retry',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: 401, cause: 'Authentication Error', failures: 1, retryInMs: 2000 },
        { type: 'reg.failed', statusCode: 403, cause: 'Rejected', failures: 2, retryInMs: 4000 },
        { type: 'reg.registered' },
      ],
      { kind: 'registered' },
    ],
    [
      'a REGISTER lost with its socket is a lost connection',
      [
        { type: 'ua.starting' },
        { type: 'ws.connected' },
        { type: 'reg.failed', statusCode: null, cause: 'Connection Error', failures: 1, retryInMs: null },
      ],
      { kind: 'disconnected', problem: 'ws-closed', attempts: 1 },
    ],
    [
      'unregistered after a disconnect stays disconnected',
      [{ type: 'ua.starting' }, { type: 'ws.disconnected' }, { type: 'reg.unregistered' }],
      { kind: 'disconnected', problem: 'ws-refused', attempts: 1 },
    ],
    [
      'stopped',
      [{ type: 'ua.starting' }, { type: 'ws.connected' }, { type: 'ua.stopped' }],
      { kind: 'unregistered' },
    ],
  ];
  it.each(cases)('%s', (_name, events, expected) => {
    expect(fold(events).registration).toEqual(expected);
  });

  it('a new start forgets that the old socket was ever open', () => {
    const state = fold([
      { type: 'ua.starting' },
      { type: 'ws.connected' },
      { type: 'ua.starting' },
      { type: 'ws.disconnected' },
    ]);
    expect(state.registration).toMatchObject({ problem: 'ws-refused' });
  });
});

describe('calls', () => {
  const outgoing: PhoneEvent = { type: 'call.outgoing', id: 'c1', remote: bob };
  const confirmed: PhoneEvent = { type: 'call.confirmed', id: 'c1', at: 1000 };
  const cases: [string, PhoneEvent[], Record<string, unknown>][] = [
    ['idle', [], { kind: 'idle' }],
    ['outgoing', [outgoing], { kind: 'outgoing', id: 'c1', remote: bob, direction: 'outgoing' }],
    ['ringing on 180', [outgoing, { type: 'call.progress', id: 'c1' }], { kind: 'ringing' }],
    [
      'established with the timer start',
      [outgoing, confirmed],
      { kind: 'established', answeredAt: 1000, muted: false },
    ],
    [
      'incoming',
      [{ type: 'call.incoming', id: 'c2', remote: bob, autoAnswer: false }],
      { kind: 'incoming', direction: 'incoming' },
    ],
    ['held', [outgoing, confirmed, { type: 'call.hold', id: 'c1' }], { kind: 'held', answeredAt: 1000 }],
    [
      'resumed',
      [outgoing, confirmed, { type: 'call.hold', id: 'c1' }, { type: 'call.unhold', id: 'c1' }],
      { kind: 'established' },
    ],
    ['muted', [outgoing, confirmed, { type: 'call.muted', id: 'c1' }], { kind: 'established', muted: true }],
    [
      'muted survives hold',
      [outgoing, confirmed, { type: 'call.muted', id: 'c1' }, { type: 'call.hold', id: 'c1' }],
      { kind: 'held', muted: true },
    ],
    [
      'DTMF typed',
      [
        outgoing,
        confirmed,
        { type: 'call.dtmf', id: 'c1', tone: '4' },
        { type: 'call.dtmf', id: 'c1', tone: '#' },
      ],
      { dtmf: '4#' },
    ],
    [
      'ended with its duration',
      [outgoing, confirmed, { type: 'call.ended', id: 'c1', reason: 'remote-hung-up', at: 5000 }],
      { kind: 'ended', reason: 'remote-hung-up', answeredAt: 1000, at: 5000 },
    ],
    [
      'busy before answer',
      [outgoing, { type: 'call.ended', id: 'c1', reason: 'busy', at: 2 }],
      { kind: 'ended', reason: 'busy', answeredAt: null },
    ],
    [
      'a hang-up after a transfer is a transfer',
      [
        outgoing,
        confirmed,
        { type: 'call.transfer-started', id: 'c1', target: '1003', park: false, at: 2 },
        { type: 'call.ended', id: 'c1', reason: 'hung-up', at: 3 },
      ],
      { kind: 'ended', reason: 'transferred' },
    ],
    [
      'a failed transfer keeps the call',
      [
        outgoing,
        confirmed,
        { type: 'call.transfer-started', id: 'c1', target: '1003', park: false, at: 2 },
        { type: 'call.transfer-failed', id: 'c1' },
      ],
      { kind: 'established', transferTo: null },
    ],
    [
      'cleared after the end',
      [outgoing, { type: 'call.ended', id: 'c1', reason: 'busy', at: 2 }, { type: 'call.cleared' }],
      { kind: 'idle' },
    ],
    ['cleared does nothing to a live call', [outgoing, { type: 'call.cleared' }], { kind: 'outgoing' }],
    [
      'events of another call are ignored',
      [outgoing, { type: 'call.confirmed', id: 'other', at: 1 }],
      { kind: 'outgoing' },
    ],
    [
      'a second call while busy is ignored',
      [outgoing, { type: 'call.incoming', id: 'c2', remote: bob, autoAnswer: false }],
      { kind: 'outgoing', id: 'c1' },
    ],
    ['hold before answer is ignored', [outgoing, { type: 'call.hold', id: 'c1' }], { kind: 'outgoing' }],
  ];
  it.each(cases)('%s', (_name, events, expected) => {
    expect(fold(events).call).toMatchObject(expected);
  });
});

describe('notices', () => {
  it('microphone denied says so, and is dismissed', () => {
    const denied = fold([{ type: 'media.denied' }]);
    expect(denied.notice).toEqual({ kind: 'microphone-denied' });
    expect(phoneReducer(denied, { type: 'notice.dismissed' }).notice).toBeNull();
  });

  it('an auto-answered call shows a banner; when it ends the banner says so until the next call', () => {
    const incoming = fold([{ type: 'call.incoming', id: 'p', remote: bob, autoAnswer: true }]);
    expect(incoming.notice).toEqual({ kind: 'auto-answered', from: bob });
    const ended = phoneReducer(incoming, { type: 'call.ended', id: 'p', reason: 'remote-hung-up', at: 1 });
    expect(ended.notice).toEqual({ kind: 'auto-answer-ended', from: bob });
    const cleared = phoneReducer(ended, { type: 'call.cleared' });
    expect(cleared.notice).toEqual({ kind: 'auto-answer-ended', from: bob });
    const next = phoneReducer(cleared, { type: 'call.incoming', id: 'q', remote: bob, autoAnswer: false });
    expect(next.notice).toBeNull();
  });

  it('a failed transfer names its target', () => {
    const state = fold([
      { type: 'call.outgoing', id: 'c', remote: bob },
      { type: 'call.confirmed', id: 'c', at: 1 },
      { type: 'call.transfer-started', id: 'c', target: '1009', park: false, at: 2 },
      { type: 'call.transfer-failed', id: 'c' },
    ]);
    expect(state.notice).toEqual({ kind: 'transfer-failed', target: '1009' });
  });

  it('parking records when it was asked for', () => {
    const state = fold([
      { type: 'call.outgoing', id: 'c', remote: bob },
      { type: 'call.confirmed', id: 'c', at: 1 },
      { type: 'call.transfer-started', id: 'c', target: '700', park: true, at: 42 },
    ]);
    expect(state.parkRequestedAt).toBe(42);
  });

  it('returns the same state when nothing changes', () => {
    expect(phoneReducer(initialPhoneState, { type: 'call.hold', id: 'x' })).toBe(initialPhoneState);
    expect(phoneReducer(initialPhoneState, { type: 'notice.dismissed' })).toBe(initialPhoneState);
  });
});

describe('attended transfer: the consultation call', () => {
  const outgoing: PhoneEvent = { type: 'call.outgoing', id: 'c1', remote: bob };
  const confirmed: PhoneEvent = { type: 'call.confirmed', id: 'c1', at: 1000 };
  const consultOut: PhoneEvent = {
    type: 'call.outgoing',
    id: 'k1',
    remote: { number: '1003', name: '' },
    consult: true,
  };
  const talking = [outgoing, confirmed, { type: 'call.hold', id: 'c1' } as PhoneEvent];

  it('a consultation fills its own slot; the held call stays as it is', () => {
    const state = fold([...talking, consultOut, { type: 'call.confirmed', id: 'k1', at: 7 }]);
    expect(state.call).toMatchObject({ id: 'c1', kind: 'held' });
    expect(state.consult).toMatchObject({ id: 'k1', kind: 'established', answeredAt: 7 });
  });

  it('an ordinary outgoing call never lands in the consultation slot, nor a consultation in the call', () => {
    expect(fold([outgoing]).consult).toEqual({ kind: 'idle' });
    expect(fold([consultOut]).call).toEqual({ kind: 'idle' });
  });

  it('the consultation ended (cancelled, busy): its slot is idle at once, the call still held', () => {
    const state = fold([...talking, consultOut, { type: 'call.ended', id: 'k1', reason: 'busy', at: 8 }]);
    expect(state.consult).toEqual({ kind: 'idle' });
    expect(state.call).toMatchObject({ kind: 'held' });
  });

  it('completed: the held call says transferred when it ends after the REFER', () => {
    const state = fold([
      ...talking,
      consultOut,
      { type: 'call.confirmed', id: 'k1', at: 7 },
      { type: 'call.transfer-started', id: 'c1', target: '1003', park: false, at: 9 },
      { type: 'call.ended', id: 'k1', reason: 'hung-up', at: 10 },
      { type: 'call.ended', id: 'c1', reason: 'hung-up', at: 10 },
    ]);
    expect(state.call).toMatchObject({ kind: 'ended', reason: 'transferred' });
    expect(state.consult).toEqual({ kind: 'idle' });
  });
});
