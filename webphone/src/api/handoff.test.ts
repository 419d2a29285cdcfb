import { describe, expect, it } from 'vitest';
import { callUpOn } from './handoff';
import type { LiveCall } from './types';

const call = (id: string, state: string, channels: { endpoint: string; state: string }[]): LiveCall => ({
  id,
  state,
  from: { number: '1001', name: '' },
  to: { number: '1002', name: '' },
  answeredBy: null,
  startedAt: '2026-12-02T10:00:00Z',
  answeredAt: null,
  channels,
});

describe('callUpOn: the call a device of mine is talking on', () => {
  const calls = {
    a: call('a', 'answered', [
      { endpoint: 'PJSIP/1001', state: 'up' },
      { endpoint: 'PJSIP/1002', state: 'up' },
    ]),
    b: call('b', 'ringing', [{ endpoint: 'PJSIP/1003-web', state: 'ringing' }]),
    c: call('c', 'answered', [
      { endpoint: 'PJSIP/1004-web', state: 'up' },
      { endpoint: 'PJSIP/1004', state: 'gone' },
    ]),
  };
  it.each([
    ['1002', 'a'],
    ['1001', 'a'],
    ['1002-web', undefined],
    ['1003-web', undefined],
    ['1004-web', 'c'],
    ['1004', undefined],
  ])('%s → %s', (account, expected) => {
    expect(callUpOn(calls, account)?.id).toBe(expected);
  });
});
