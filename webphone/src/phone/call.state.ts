/** The call part of the phone's state and the notices calls raise: pure, folded from the SIP session's events. */

import type { Call, Notice, PhoneEvent, PhoneState } from './phone.types';

type LiveCall = Exclude<Call, { kind: 'idle' } | { kind: 'ended' }>;
type EventOf<T extends PhoneEvent['type']> = Extract<PhoneEvent, { type: T }>;

/** Calls that hold a live SIP session (anything but idle and ended). */
export function isLive(call: Call): call is LiveCall {
  return call.kind !== 'idle' && call.kind !== 'ended';
}

export function reduceCall(call: Call, event: PhoneEvent): Call {
  if (event.type === 'call.incoming' || event.type === 'call.outgoing') return newCall(call, event);
  if (event.type === 'call.cleared') return call.kind === 'ended' ? { kind: 'idle' } : call;
  if (!('id' in event) || !isLive(call) || call.id !== event.id) return call;
  switch (event.type) {
    case 'call.progress':
      return call.kind === 'outgoing' ? { ...call, kind: 'ringing' } : call;
    case 'call.confirmed':
      if (call.kind === 'established' || call.kind === 'held') return call;
      return { ...call, kind: 'established', answeredAt: event.at, muted: false, dtmf: '', transferTo: null };
    case 'call.hold':
      return call.kind === 'established' ? { ...call, kind: 'held' } : call;
    case 'call.unhold':
      return call.kind === 'held' ? { ...call, kind: 'established' } : call;
    case 'call.muted':
    case 'call.unmuted':
      return talking(call) ? { ...call, muted: event.type === 'call.muted' } : call;
    case 'call.dtmf':
      return talking(call) ? { ...call, dtmf: (call.dtmf + event.tone).slice(-24) } : call;
    case 'call.transfer-started':
      return talking(call) ? { ...call, transferTo: event.target } : call;
    case 'call.transfer-failed':
      return talking(call) ? { ...call, transferTo: null } : call;
    case 'call.ended':
      return endedCall(call, event);
    default:
      return call;
  }
}

function newCall(call: Call, event: EventOf<'call.incoming' | 'call.outgoing'>): Call {
  if (isLive(call)) return call; // one call at a time; the shell rejects the second
  if (event.type === 'call.outgoing' && event.consult) return call; // the consultation's slot takes it
  const base = { id: event.id, remote: event.remote };
  return event.type === 'call.incoming'
    ? { ...base, kind: 'incoming', direction: 'incoming', autoAnswer: event.autoAnswer }
    : { ...base, kind: 'outgoing', direction: 'outgoing' };
}

/**
 * The consultation call of an attended transfer: made only by a `consult` outgoing call, then folded as any call;
 * once it ends the slot is idle at once (the held call is the one the panel shows again).
 */
export function reduceConsult(consult: Call, event: PhoneEvent): Call {
  if (event.type === 'call.incoming' || event.type === 'call.cleared') return consult;
  if (event.type === 'call.outgoing') {
    if (!event.consult || isLive(consult)) return consult;
    return { id: event.id, remote: event.remote, kind: 'outgoing', direction: 'outgoing' };
  }
  const next = reduceCall(consult, event);
  return next.kind === 'ended' ? { kind: 'idle' } : next;
}

function endedCall(call: LiveCall, event: EventOf<'call.ended'>): Call {
  const answeredAt = talking(call) ? call.answeredAt : null;
  const byeAfterTransfer = event.reason === 'hung-up' || event.reason === 'remote-hung-up';
  const reason = talking(call) && call.transferTo && byeAfterTransfer ? 'transferred' : event.reason;
  return {
    id: call.id,
    remote: call.remote,
    direction: call.direction,
    kind: 'ended',
    reason,
    at: event.at,
    answeredAt,
  };
}

function talking(call: Call): call is Extract<Call, { kind: 'established' | 'held' }> {
  return call.kind === 'established' || call.kind === 'held';
}

export function callNotice(state: PhoneState, event: PhoneEvent): Notice | null {
  const call = state.call;
  switch (event.type) {
    case 'call.incoming':
      if (isLive(call)) return state.notice;
      if (event.autoAnswer) return { kind: 'auto-answered', from: event.remote };
      return state.notice?.kind === 'auto-answer-ended' ? null : state.notice;
    case 'call.transfer-failed':
      return talking(call) && call.id === event.id && call.transferTo
        ? { kind: 'transfer-failed', target: call.transferTo }
        : state.notice;
    case 'call.ended':
      if (isLive(call) && call.id === event.id && state.notice?.kind === 'auto-answered') {
        return { kind: 'auto-answer-ended', from: state.notice.from };
      }
      return event.reason === 'microphone-denied' ? { kind: 'microphone-denied' } : state.notice;
    default:
      return state.notice;
  }
}
