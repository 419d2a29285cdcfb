import { describe, expect, it } from 'vitest';
import { filterHistory } from './call-logs';
import type { RecentCall } from './types';

const call = (id: string, fields: Partial<RecentCall>): RecentCall => ({
  id,
  direction: 'in',
  number: '1003',
  name: '',
  startedAt: '2025-01-01T10:00:00.000Z',
  answered: true,
  durationSeconds: 30,
  ...fields,
});

const calls = [
  call('a', { name: 'Maria Lopez', number: '+15551230000' }),
  call('b', { answered: false, durationSeconds: null, number: '1004' }),
  call('c', { direction: 'out', number: '1005', name: 'Ext 1005' }),
  call('d', { direction: 'out', answered: false, durationSeconds: null, number: '1006' }),
];
const ids = (kind: Parameters<typeof filterHistory>[1]['kind'], text = '') =>
  filterHistory(calls, { kind, text }).map((c) => c.id);

describe('call history filters', () => {
  it('by kind: missed is an incoming call nobody answered (an unanswered outgoing call is not missed)', () => {
    expect(ids('all')).toEqual(['a', 'b', 'c', 'd']);
    expect(ids('missed')).toEqual(['b']);
    expect(ids('in')).toEqual(['a', 'b']);
    expect(ids('out')).toEqual(['c', 'd']);
  });

  it('by text: the name, or the digits of the number however they are written', () => {
    expect(ids('all', 'lopez')).toEqual(['a']);
    expect(ids('all', '555-123')).toEqual(['a']);
    expect(ids('all', '100')).toEqual(['b', 'c', 'd']);
    expect(ids('out', '1005')).toEqual(['c']);
    expect(ids('all', 'nobody')).toEqual([]);
  });
});
