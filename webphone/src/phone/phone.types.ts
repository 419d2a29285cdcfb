/**
 * What the webphone's state is made of and the events that change it: shared by the reducers
 * (`registration.state.ts`, `call.state.ts`, `phone.state.ts`), the SIP shell and the UI.
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
  /** Another tab of this browser has the phone (one tab owns it): calls ring there. */
  | { kind: 'elsewhere' }
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
  /** The auto-answered call (a page or an intercom) is over: said until dismissed or the next call. */
  | { kind: 'auto-answer-ended'; from: Party }
  | { kind: 'transfer-failed'; target: string };

export interface PhoneState {
  registration: Registration;
  /** The WebSocket to Asterisk has been open at least once since start (tells "refused" from "lost"). */
  everConnected: boolean;
  call: Call;
  /** The consultation call of an attended transfer, while `call` is held (idle otherwise). */
  consult: Call;
  notice: Notice | null;
  /** When the user last asked to park (epoch ms): the UI matches the controller's `call.parked` to it. */
  parkRequestedAt: number | null;
}

export type PhoneEvent =
  | { type: 'ua.starting' }
  | { type: 'ua.stopped' }
  /** The phone went to (or is in) another tab of this browser. */
  | { type: 'phone.elsewhere' }
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
  /** `consult`: the consultation call of an attended transfer (the call stays, held). */
  | { type: 'call.outgoing'; id: string; remote: Party; consult?: boolean }
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
