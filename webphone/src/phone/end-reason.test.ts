import { describe, expect, it } from 'vitest';
import { endReason, type SessionEnd } from './end-reason';

const end = (e: Partial<SessionEnd>): SessionEnd => ({
  originator: 'remote',
  cause: 'Terminated',
  direction: 'outgoing',
  established: false,
  ...e,
});

describe('why a call ended', () => {
  const cases: [string, Partial<SessionEnd>, string][] = [
    ['we hung up', { established: true, originator: 'local' }, 'hung-up'],
    ['they hung up', { established: true }, 'remote-hung-up'],
    ['the socket dropped mid-call', { established: true, cause: 'Connection Error' }, 'connection-lost'],
    ['486', { cause: 'Busy' }, 'busy'],
    ['we declined with 603', { cause: 'Rejected', originator: 'local', direction: 'incoming' }, 'declined'],
    ['404', { cause: 'Not Found' }, 'not-found'],
    ['480', { cause: 'Unavailable' }, 'unavailable'],
    ['caller gave up', { cause: 'Canceled', direction: 'incoming' }, 'canceled'],
    [
      'another device answered',
      {
        cause: 'Canceled',
        direction: 'incoming',
        reasonHeader: 'SIP;cause=200;text="Call completed elsewhere"',
      },
      'answered-elsewhere',
    ],
    ['microphone refused', { cause: 'User Denied Media Access', originator: 'local' }, 'microphone-denied'],
    ['something else', { cause: 'Internal Error' }, 'failed'],
  ];
  it.each(cases)('%s', (_name, given, expected) => {
    expect(endReason(end(given))).toBe(expected);
  });
});
