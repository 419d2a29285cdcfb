import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRTCSessionEvent, OutgoingRTCSessionEvent, UA } from 'jssip/lib/UA';
import type { Store } from '../store';
import { autoAnswerDelay, inviteHeaders } from './auto-answer';
import { beep } from './beep';
import { endReason } from './end-reason';
import { closeMicrophone, openMicrophone } from './microphone';
import { isLive, registrationFailure, type Party, type PhoneEvent, type PhoneState } from './phone.state';
import { registerRetryDelay } from './register-retry';

/** What `GET /api/users/me/sip-credentials` returns (the password stays in memory, never stored). */
export interface SipCredentials {
  username: string;
  authorizationUser: string;
  password: string;
  wsUrl: string;
  uri: string;
}

export type PhoneStore = Store<PhoneState, PhoneEvent>;

/** The number parking takes a blind transfer to. */
export const PARK_NUMBER = '700';
const ICE_GATHERING_LIMIT_MS = 500;
const SHOW_ENDED_MS = 2500;

const pcConfig: RTCConfiguration = { iceServers: [], rtcpMuxPolicy: 'require', bundlePolicy: 'max-bundle' };

/**
 * The JsSIP user agent, outside React: it turns UI commands into SIP and JsSIP events into `PhoneEvent`s
 * for the store. One call at a time; a second INVITE while busy gets 486.
 */
export class SipPhone {
  private ua: UA | null = null;
  /** Bumped by every start and stop, so a start still loading JsSIP knows it was overtaken. */
  private generation = 0;
  private session: RTCSession | null = null;
  private microphone: MediaStream | null = null;
  private readonly audio: HTMLAudioElement;
  private clearTimer: number | undefined;
  /** REGISTERs refused in a row on the current WebSocket, and the pending retry (see register-retry.ts). */
  private registerFailures = 0;
  private registerRetry: number | undefined;

  constructor(
    private readonly store: PhoneStore,
    private readonly now: () => number = Date.now,
  ) {
    this.audio = document.createElement('audio');
    this.audio.autoplay = true;
  }

  private dispatch(event: PhoneEvent): void {
    this.store.dispatch(event);
  }

  /** Registers with the credentials. JsSIP (most of the bundle) is loaded here, after sign-in. */
  async start(credentials: SipCredentials): Promise<void> {
    this.stop();
    const generation = ++this.generation;
    this.dispatch({ type: 'ua.starting' });
    const JsSIP = await import('jssip');
    if (generation !== this.generation) return;
    let socket: InstanceType<typeof JsSIP.WebSocketInterface>;
    try {
      socket = new JsSIP.WebSocketInterface(credentials.wsUrl);
    } catch {
      this.dispatch({ type: 'ws.disconnected' });
      return;
    }
    const ua = new JsSIP.UA({
      sockets: [socket],
      uri: credentials.uri,
      authorization_user: credentials.authorizationUser,
      password: credentials.password,
      register: true,
      register_expires: 600,
      session_timers: false,
      // JsSIP waits a random 1..2^n s (clamped to these) between attempts: capped at 10 s, a phone is back at most
      // ~10 s after Asterisk is (30 s kept agents deaf for up to half a minute after a restart).
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 10,
      user_agent: 'ari-pbx webphone',
    });
    ua.on('connecting', (e) => this.dispatch({ type: 'ws.connecting', attempts: e.attempts }));
    // A new WebSocket starts a new count: JsSIP sends REGISTER on every connect by itself.
    ua.on('connected', () => {
      this.cancelRegisterRetry();
      this.dispatch({ type: 'ws.connected' });
    });
    ua.on('disconnected', () => {
      this.cancelRegisterRetry();
      this.dispatch({ type: 'ws.disconnected' });
    });
    ua.on('registered', () => {
      this.cancelRegisterRetry();
      this.dispatch({ type: 'reg.registered' });
    });
    ua.on('unregistered', () => this.dispatch({ type: 'reg.unregistered' }));
    ua.on('registrationFailed', (e) => {
      const statusCode = e.response?.status_code ?? null;
      const cause = String(e.cause ?? '');
      const failures = ++this.registerFailures;
      const retryInMs = registerRetryDelay(registrationFailure(statusCode, cause), failures);
      window.clearTimeout(this.registerRetry);
      if (retryInMs !== null) {
        this.registerRetry = window.setTimeout(() => {
          if (this.ua === ua && ua.isConnected() && !ua.isRegistered()) ua.register();
        }, retryInMs);
      }
      this.dispatch({ type: 'reg.failed', statusCode, cause, failures, retryInMs });
    });
    ua.on('newRTCSession', (e: IncomingRTCSessionEvent | OutgoingRTCSessionEvent) => this.onSession(e));
    this.ua = ua;
    ua.start();
  }

  stop(): void {
    this.generation += 1;
    this.cancelRegisterRetry();
    const ua = this.ua;
    this.ua = null;
    if (!ua) return;
    ua.removeAllListeners();
    ua.stop();
    this.releaseMedia();
    this.session = null;
    this.dispatch({ type: 'ua.stopped' });
  }

  /** Dials an extension, a feature code or an outside number. */
  async call(target: string): Promise<void> {
    const number = target.trim();
    if (!this.ua || !number || isLive(this.store.getState().call)) return;
    const stream = await this.openMicrophone();
    if (!stream || !this.ua) return;
    try {
      this.ua.call(number, {
        mediaStream: stream,
        pcConfig,
        mediaConstraints: { audio: true, video: false },
      });
    } catch {
      // JsSIP refuses a target it cannot make a SIP URI of; nothing was sent.
      this.releaseMedia();
    }
  }

  async answer(): Promise<void> {
    const session = this.session;
    if (!session || this.store.getState().call.kind !== 'incoming') return;
    const stream = await this.openMicrophone();
    if (!stream) {
      session.terminate({ status_code: 480, reason_phrase: 'Microphone Unavailable' });
      return;
    }
    if (this.session === session && !session.isEnded()) session.answer({ mediaStream: stream, pcConfig });
    else closeMicrophone(stream);
  }

  /** Declines a ringing call, cancels an outgoing one or hangs up. */
  hangup(): void {
    const session = this.session;
    if (!session || session.isEnded()) return;
    const incoming = this.store.getState().call.kind === 'incoming';
    session.terminate(incoming ? { status_code: 603, reason_phrase: 'Decline' } : {});
  }

  toggleMute(): void {
    const call = this.store.getState().call;
    if (!this.session || (call.kind !== 'established' && call.kind !== 'held')) return;
    if (call.muted) this.session.unmute({ audio: true });
    else this.session.mute({ audio: true });
  }

  toggleHold(): void {
    const call = this.store.getState().call;
    if (!this.session) return;
    if (call.kind === 'established') this.session.hold();
    else if (call.kind === 'held') this.session.unhold();
  }

  sendDtmf(tone: string): void {
    const call = this.store.getState().call;
    if (!this.session || call.kind !== 'established' || !/^[0-9*#A-D]$/.test(tone)) return;
    // RFC 4733 events in the RTP stream (JsSIP's default is SIP INFO); INFO when the media cannot carry them yet.
    try {
      this.session.sendDTMF(tone, { transportType: 'RFC2833' as DTMF_TRANSPORT, duration: 120 });
    } catch {
      this.session.sendDTMF(tone, { transportType: 'INFO' as DTMF_TRANSPORT, duration: 120 });
    }
    this.dispatch({ type: 'call.dtmf', id: call.id, tone });
  }

  /** Blind transfer (SIP REFER); the controller parks a call referred to 700 and announces `call.parked`. */
  transfer(target: string): void {
    const call = this.store.getState().call;
    const session = this.session;
    const number = target.trim();
    if (!session || !number || (call.kind !== 'established' && call.kind !== 'held')) return;
    const id = call.id;
    this.dispatch({
      type: 'call.transfer-started',
      id,
      target: number,
      park: number === PARK_NUMBER,
      at: this.now(),
    });
    const failed = () => this.dispatch({ type: 'call.transfer-failed', id });
    session.refer(number, {
      eventHandlers: {
        requestFailed: failed,
        failed,
        // NOTIFY 200: the other party is where it should be; release our leg.
        accepted: () => {
          if (!session.isEnded()) session.terminate();
        },
      },
    });
  }

  park(): void {
    this.transfer(PARK_NUMBER);
  }

  dismissNotice(): void {
    this.dispatch({ type: 'notice.dismissed' });
  }

  private async openMicrophone(): Promise<MediaStream | null> {
    const result = await openMicrophone();
    if (result.ok) {
      closeMicrophone(this.microphone);
      this.microphone = result.stream;
      return result.stream;
    }
    this.dispatch({ type: result.problem === 'denied' ? 'media.denied' : 'media.missing' });
    return null;
  }

  private onSession(event: IncomingRTCSessionEvent | OutgoingRTCSessionEvent): void {
    const { session } = event;
    const remote: Party = {
      number: session.remote_identity?.uri?.user ?? '',
      name: session.remote_identity?.display_name ?? '',
    };
    if (event.originator === 'remote') {
      if (this.session && !this.session.isEnded()) {
        session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
        return;
      }
      const delay = autoAnswerDelay(inviteHeaders(event.request));
      this.track(session);
      this.dispatch({ type: 'call.incoming', id: session.id, remote, autoAnswer: delay !== null });
      if (delay !== null) {
        beep();
        window.setTimeout(() => void this.answer(), delay * 1000);
      }
    } else {
      this.track(session);
      this.dispatch({ type: 'call.outgoing', id: session.id, remote });
    }
  }

  private track(session: RTCSession): void {
    window.clearTimeout(this.clearTimer);
    this.session = session;
    const id = session.id;
    const direction = session.direction === 'incoming' ? 'incoming' : 'outgoing';
    let iceLimit: number | undefined;
    session.on('icecandidate', (e) => {
      iceLimit ??= window.setTimeout(() => e.ready(), ICE_GATHERING_LIMIT_MS);
    });
    const playRemoteAudio = (connection: RTCPeerConnection) =>
      connection.addEventListener('track', (t) => {
        if (t.streams[0]) this.audio.srcObject = t.streams[0];
      });
    // JsSIP makes an outgoing call's peer connection (and emits 'peerconnection') before 'newRTCSession': take it
    // from the session, or the caller never hears the far end. An incoming call's comes later, with the answer.
    if (session.connection) playRemoteAudio(session.connection);
    else session.on('peerconnection', (e) => playRemoteAudio(e.peerconnection));
    session.on('progress', () => this.dispatch({ type: 'call.progress', id }));
    session.on('confirmed', () => this.dispatch({ type: 'call.confirmed', id, at: this.now() }));
    session.on('hold', (e) => e.originator === 'local' && this.dispatch({ type: 'call.hold', id }));
    session.on('unhold', (e) => e.originator === 'local' && this.dispatch({ type: 'call.unhold', id }));
    session.on('muted', () => this.dispatch({ type: 'call.muted', id }));
    session.on('unmuted', () => this.dispatch({ type: 'call.unmuted', id }));
    const finish =
      (established: boolean) => (e: { originator: string; cause: string; message?: unknown }) => {
        window.clearTimeout(iceLimit);
        const message = e.message as { getHeader?: (name: string) => string | undefined } | undefined;
        const reason = endReason({
          originator: e.originator as 'local' | 'remote' | 'system',
          cause: e.cause,
          reasonHeader: message?.getHeader?.('Reason'),
          direction,
          established,
        });
        if (this.session === session) {
          this.session = null;
          this.releaseMedia();
        }
        this.dispatch({ type: 'call.ended', id, reason, at: this.now() });
        this.clearTimer = window.setTimeout(() => this.dispatch({ type: 'call.cleared' }), SHOW_ENDED_MS);
      };
    session.on('ended', finish(true));
    session.on('failed', finish(false));
  }

  private cancelRegisterRetry(): void {
    window.clearTimeout(this.registerRetry);
    this.registerRetry = undefined;
    this.registerFailures = 0;
  }

  private releaseMedia(): void {
    closeMicrophone(this.microphone);
    this.microphone = null;
    this.audio.srcObject = null;
  }
}
