/**
 * The webphone's state, folded from what the SIP user agent reports. Pure: no JsSIP, no timers, no clock
 * (every event that needs a time carries `at`, epoch milliseconds).
 */

export interface Party {
  /** The SIP user part: an extension, a feature code or an outside number. */
  number: string;
  /** The display name, when the other side sent one. */
  name: string;
}

/** Why the phone is not registered. */
export type RegistrationProblem =
  /** The WebSocket to Asterisk never opened. */
  | 'ws-refused'
  /** The WebSocket was open and closed. */
  | 'ws-closed'
  /** 401/403 to REGISTER. */
  | 'credentials-refused'
  /** Any other failure of REGISTER (timeout, 5xx…). */
  | 'registrar-error';

export type Registration =
  | { kind: 'unregistered' }
  | { kind: 'registering' }
  | { kind: 'registered' }
  | {
      kind: 'failed';
      problem: 'credentials-refused' | 'registrar-error';
      detail: string;
      /** REGISTERs refused in a row. */
      failures: number;
      /** The phone will try again by itself (false: it gave up). */
      retrying: boolean;
    }
  | { kind: 'disconnected'; problem: 'ws-refused' | 'ws-closed'; attempts: number };

export type Direction = 'incoming' | 'outgoing';

export type CallEndReason =
  | 'hung-up'
  | 'remote-hung-up'
  | 'declined'
  | 'busy'
  | 'not-found'
  | 'no-answer'
  | 'unavailable'
  | 'canceled'
  | 'answered-elsewhere'
  | 'transferred'
  | 'microphone-denied'
  | 'connection-lost'
  | 'failed';

interface CallBase {
  id: string;
  remote: Party;
  direction: Direction;
}

export interface TalkingCall extends CallBase {
  /** When the call was answered (the timer's start). */
  answeredAt: number;
  muted: boolean;
  /** DTMF sent during this call, as typed. */
  dtmf: string;
  /** A blind transfer (or park) in flight: its target. */
  transferTo: string | null;
}

export type Call =
  | { kind: 'idle' }
  | (CallBase & { kind: 'incoming'; autoAnswer: boolean })
  | (CallBase & { kind: 'outgoing' })
  | (CallBase & { kind: 'ringing' })
  | (TalkingCall & { kind: 'established' })
  | (TalkingCall & { kind: 'held' })
  | (CallBase & { kind: 'ended'; reason: CallEndReason; at: number; answeredAt: number | null });

/** Something the user should read: what happened and what to do. */
export type Notice =
  | { kind: 'microphone-denied' }
  | { kind: 'microphone-missing' }
  | { kind: 'auto-answered'; from: Party }
  | { kind: 'transfer-failed'; target: string };

export interface PhoneState {
  registration: Registration;
  /** The WebSocket to Asterisk has been open at least once since start (tells "refused" from "lost"). */
  everConnected: boolean;
  call: Call;
  notice: Notice | null;
  /** When the user last asked to park (epoch ms): the UI matches the controller's `call.parked` to it. */
  parkRequestedAt: number | null;
}

export type PhoneEvent =
  | { type: 'ua.starting' }
  | { type: 'ua.stopped' }
  | { type: 'ws.connecting'; attempts: number }
  | { type: 'ws.connected' }
  | { type: 'ws.disconnected' }
  | { type: 'reg.registered' }
  | { type: 'reg.unregistered' }
  | {
      type: 'reg.failed';
      statusCode: number | null;
      cause: string;
      /** REGISTERs refused in a row, this one included. */
      failures: number;
      /** When the phone tries again, or null if it does not. */
      retryInMs: number | null;
    }
  | { type: 'call.incoming'; id: string; remote: Party; autoAnswer: boolean }
  | { type: 'call.outgoing'; id: string; remote: Party }
  | { type: 'call.progress'; id: string }
  | { type: 'call.confirmed'; id: string; at: number }
  | { type: 'call.hold'; id: string }
  | { type: 'call.unhold'; id: string }
  | { type: 'call.muted'; id: string }
  | { type: 'call.unmuted'; id: string }
  | { type: 'call.dtmf'; id: string; tone: string }
  | { type: 'call.transfer-started'; id: string; target: string; park: boolean; at: number }
  | { type: 'call.transfer-failed'; id: string }
  | { type: 'call.ended'; id: string; reason: CallEndReason; at: number }
  | { type: 'call.cleared' }
  | { type: 'media.denied' }
  | { type: 'media.missing' }
  | { type: 'notice.dismissed' };

export const initialPhoneState: PhoneState = {
  registration: { kind: 'unregistered' },
  everConnected: false,
  call: { kind: 'idle' },
  notice: null,
  parkRequestedAt: null,
};

/** Calls that hold a live SIP session (anything but idle and ended). */
export function isLive(call: Call): call is Exclude<Call, { kind: 'idle' } | { kind: 'ended' }> {
  return call.kind !== 'idle' && call.kind !== 'ended';
}

export function phoneReducer(state: PhoneState, event: PhoneEvent): PhoneState {
  if (event.type.startsWith('call.')) {
    const call = reduceCall(state.call, event);
    const notice = callNotice(state, event);
    const parkRequestedAt =
      event.type === 'call.transfer-started' && event.park ? event.at : state.parkRequestedAt;
    if (call === state.call && notice === state.notice && parkRequestedAt === state.parkRequestedAt)
      return state;
    return { ...state, call, notice, parkRequestedAt };
  }
  switch (event.type) {
    case 'media.denied':
      return { ...state, notice: { kind: 'microphone-denied' } };
    case 'media.missing':
      return { ...state, notice: { kind: 'microphone-missing' } };
    case 'notice.dismissed':
      return state.notice ? { ...state, notice: null } : state;
    default: {
      const registration = reduceRegistration(state, event);
      const everConnected = state.everConnected || event.type === 'ws.connected';
      if (event.type === 'ua.starting') return { ...state, registration, everConnected: false };
      if (registration === state.registration && everConnected === state.everConnected) return state;
      return { ...state, registration, everConnected };
    }
  }
}

function reduceRegistration(state: PhoneState, event: PhoneEvent): Registration {
  const current = state.registration;
  switch (event.type) {
    case 'ua.starting':
      return { kind: 'registering' };
    case 'ua.stopped':
      return { kind: 'unregistered' };
    case 'ws.connecting':
      // While retrying, keep saying what went wrong instead of flickering to "registering".
      return current.kind === 'disconnected' ? { ...current, attempts: event.attempts } : current;
    case 'ws.connected':
      return current.kind === 'registered' ? current : { kind: 'registering' };
    case 'ws.disconnected':
      return {
        kind: 'disconnected',
        problem: state.everConnected ? 'ws-closed' : 'ws-refused',
        attempts: current.kind === 'disconnected' ? current.attempts : 1,
      };
    case 'reg.registered':
      return { kind: 'registered' };
    case 'reg.unregistered':
      // JsSIP follows a failed re-REGISTER with 'unregistered': keep saying why.
      return current.kind === 'disconnected' || current.kind === 'failed'
        ? current
        : { kind: 'unregistered' };
    case 'reg.failed': {
      const failure = registrationFailure(event.statusCode, event.cause);
      return failure.kind === 'failed'
        ? { ...failure, failures: event.failures, retrying: event.retryInMs !== null }
        : failure;
    }
    default:
      return current;
  }
}

/**
 * 401/403 (or JsSIP's matching causes) mean the credentials were refused; anything else is the registrar's
 * (`failures` 1 and `retrying` true until the event says otherwise).
 */
export function registrationFailure(statusCode: number | null, cause: string): Registration {
  const refused =
    statusCode === 401 ||
    statusCode === 403 ||
    statusCode === 407 ||
    cause === 'Authentication Error' ||
    cause === 'Rejected';
  if (refused)
    return {
      kind: 'failed',
      problem: 'credentials-refused',
      detail: statusCode ? String(statusCode) : cause,
      failures: 1,
      retrying: true,
    };
  if (cause === 'Connection Error') return { kind: 'disconnected', problem: 'ws-closed', attempts: 1 };
  return {
    kind: 'failed',
    problem: 'registrar-error',
    detail: statusCode ? `${statusCode} ${cause}` : cause,
    failures: 1,
    retrying: true,
  };
}

function reduceCall(call: Call, event: PhoneEvent): Call {
  if (event.type === 'call.incoming' || event.type === 'call.outgoing') {
    if (isLive(call)) return call; // one call at a time; the shell rejects the second
    const base = { id: event.id, remote: event.remote };
    return event.type === 'call.incoming'
      ? { ...base, kind: 'incoming', direction: 'incoming', autoAnswer: event.autoAnswer }
      : { ...base, kind: 'outgoing', direction: 'outgoing' };
  }
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
    case 'call.ended': {
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
    default:
      return call;
  }
}

function talking(call: Call): call is Extract<Call, { kind: 'established' | 'held' }> {
  return call.kind === 'established' || call.kind === 'held';
}

function callNotice(state: PhoneState, event: PhoneEvent): Notice | null {
  const call = state.call;
  switch (event.type) {
    case 'call.incoming':
      return event.autoAnswer && !isLive(call) ? { kind: 'auto-answered', from: event.remote } : state.notice;
    case 'call.transfer-failed':
      return talking(call) && call.id === event.id && call.transferTo
        ? { kind: 'transfer-failed', target: call.transferTo }
        : state.notice;
    case 'call.ended':
      if (isLive(call) && call.id === event.id && state.notice?.kind === 'auto-answered') return null;
      return event.reason === 'microphone-denied' ? { kind: 'microphone-denied' } : state.notice;
    default:
      return state.notice;
  }
}
