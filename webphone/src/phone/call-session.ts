import type { RTCSession } from 'jssip/lib/RTCSession';
import { endReason } from './end-reason';
import type { CallEndReason, Direction, PhoneEvent } from './phone.types';

const ICE_GATHERING_LIMIT_MS = 500;

/** What a watched session needs from the phone around it. */
export interface SessionHost {
  dispatch(event: PhoneEvent): void;
  now(): number;
  playRemoteAudio(connection: RTCPeerConnection): void;
  /** The session ended or failed; `ended` is the `call.ended` event to dispatch. */
  finished(session: RTCSession, ended: Extract<PhoneEvent, { type: 'call.ended' }>): void;
}

/** Turns one JsSIP call session's events into `PhoneEvent`s, plays its audio and cuts ICE gathering short. */
export function watchSession(session: RTCSession, host: SessionHost): void {
  const id = session.id;
  const direction: Direction = session.direction === 'incoming' ? 'incoming' : 'outgoing';
  let iceLimit: number | undefined;
  session.on('icecandidate', (e) => {
    iceLimit ??= window.setTimeout(() => e.ready(), ICE_GATHERING_LIMIT_MS);
  });
  // JsSIP makes an outgoing call's peer connection (and emits 'peerconnection') before 'newRTCSession': take it
  // from the session, or the caller never hears the far end. An incoming call's comes later, with the answer.
  if (session.connection) host.playRemoteAudio(session.connection);
  else session.on('peerconnection', (e) => host.playRemoteAudio(e.peerconnection));
  session.on('progress', () => host.dispatch({ type: 'call.progress', id }));
  session.on('confirmed', () => host.dispatch({ type: 'call.confirmed', id, at: host.now() }));
  session.on('hold', (e) => e.originator === 'local' && host.dispatch({ type: 'call.hold', id }));
  session.on('unhold', (e) => e.originator === 'local' && host.dispatch({ type: 'call.unhold', id }));
  session.on('muted', () => host.dispatch({ type: 'call.muted', id }));
  session.on('unmuted', () => host.dispatch({ type: 'call.unmuted', id }));
  const finish = (established: boolean) => (e: SessionEnd) => {
    window.clearTimeout(iceLimit);
    host.finished(session, {
      type: 'call.ended',
      id,
      reason: reasonOf(e, direction, established),
      at: host.now(),
    });
  };
  session.on('ended', finish(true));
  session.on('failed', finish(false));
}

interface SessionEnd {
  originator: string;
  cause: string;
  message?: unknown;
}

function reasonOf(e: SessionEnd, direction: Direction, established: boolean): CallEndReason {
  const message = e.message as { getHeader?: (name: string) => string | undefined } | undefined;
  return endReason({
    originator: e.originator as 'local' | 'remote' | 'system',
    cause: e.cause,
    reasonHeader: message?.getHeader?.('Reason'),
    direction,
    established,
  });
}
