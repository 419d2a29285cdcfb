import type { CallEndReason, Direction } from './phone.types';

/** What JsSIP says when a session ends or fails (`originator`, `cause`, and the SIP message if any). */
export interface SessionEnd {
  originator: 'local' | 'remote' | 'system';
  cause: string;
  /** The `Reason` header of a CANCEL or BYE, when there was one. */
  reasonHeader?: string | undefined;
  direction: Direction;
  /** JsSIP's `ended` (after an answer) as opposed to `failed` (before). */
  established: boolean;
}

/** JsSIP causes (`JsSIP.C.causes`) to the reason the UI shows. */
export function endReason(end: SessionEnd): CallEndReason {
  if (end.established) {
    if (end.cause === 'Connection Error' || end.cause === 'Request Timeout' || end.cause === 'RTP Timeout') {
      return 'connection-lost';
    }
    return end.originator === 'local' ? 'hung-up' : 'remote-hung-up';
  }
  switch (end.cause) {
    case 'Canceled':
      if (end.direction === 'outgoing') return 'canceled';
      return /completed elsewhere|cause=200\b/i.test(end.reasonHeader ?? '')
        ? 'answered-elsewhere'
        : 'canceled';
    case 'Rejected':
      return 'declined';
    case 'Busy':
      return end.originator === 'local' && end.direction === 'incoming' ? 'declined' : 'busy';
    case 'Not Found':
    case 'Address Incomplete':
      return 'not-found';
    case 'Unavailable':
      return 'unavailable';
    case 'No Answer':
    case 'Expires':
      return 'no-answer';
    case 'User Denied Media Access':
      return 'microphone-denied';
    case 'Connection Error':
    case 'Request Timeout':
      return 'connection-lost';
    default:
      return 'failed';
  }
}
