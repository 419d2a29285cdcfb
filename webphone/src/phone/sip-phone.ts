import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRTCSessionEvent, OutgoingRTCSessionEvent, UA } from 'jssip/lib/UA';
import { autoAnswerDelay, inviteHeaders } from './auto-answer';
import { beep } from './beep';
import { CallMedia } from './call-media';
import { watchSession } from './call-session';
import { isLive } from './call.state';
import { closeMicrophone } from './microphone';
import type { PhoneStore } from './phone.store';
import type { Party, PhoneEvent } from './phone.types';
import { createUserAgent, RegisterRetry, watchRegistration, type SipCredentials } from './sip-user-agent';

/** The number parking takes a blind transfer to (the next free slot); 701-799 park on that slot. */
export const PARK_NUMBER = '700';
export const isParkTarget = (number: string) => /^7\d\d$/.test(number);
const SHOW_ENDED_MS = 2500;

const pcConfig: RTCConfiguration = { iceServers: [], rtcpMuxPolicy: 'require', bundlePolicy: 'max-bundle' };

/**
 * The JsSIP user agent, outside React: it turns UI commands into SIP and JsSIP events into `PhoneEvent`s
 * for the store. One call at a time; a second INVITE while busy gets 486. The user agent is made and its
 * registration watched in `sip-user-agent.ts`, each call session in `call-session.ts`, its media in `call-media.ts`.
 */
export class SipPhone {
  private ua: UA | null = null;
  /** Bumped by every start and stop, so a start still loading JsSIP knows it was overtaken. */
  private generation = 0;
  private session: RTCSession | null = null;
  /** The consultation call of an attended transfer (the call in `session` is held meanwhile). */
  private consultSession: RTCSession | null = null;
  /** The next outgoing session is a consultation. */
  private consulting = false;
  private readonly media = new CallMedia();
  private clearTimer: number | undefined;
  private readonly registerRetry = new RegisterRetry();

  constructor(
    private readonly store: PhoneStore,
    private readonly now: () => number = Date.now,
  ) {}

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
    const ua = createUserAgent(JsSIP, credentials);
    if (!ua) {
      this.dispatch({ type: 'ws.disconnected' });
      return;
    }
    watchRegistration(
      ua,
      this.registerRetry,
      (e) => this.dispatch(e),
      () => this.ua === ua,
    );
    ua.on('newRTCSession', (e: IncomingRTCSessionEvent | OutgoingRTCSessionEvent) => this.onSession(e));
    this.ua = ua;
    ua.start();
  }

  stop(): void {
    this.generation += 1;
    this.registerRetry.cancel();
    const ua = this.ua;
    this.ua = null;
    if (!ua) return;
    ua.removeAllListeners();
    ua.stop();
    this.media.release();
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
      this.media.release();
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

  /** Declines a ringing call, cancels an outgoing one or hangs up (during a consultation: that one). */
  hangup(): void {
    if (this.consultSession && !this.consultSession.isEnded()) return this.cancelConsult();
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
    const session = this.session;
    if (!session) return;
    if (call.kind === 'established') this.reoffer(session, () => session.isOnHold().local || session.hold());
    else if (call.kind === 'held') this.reoffer(session, () => !session.isOnHold().local || session.unhold());
  }

  /**
   * JsSIP refuses a re-INVITE (returns false) while the previous offer is not settled, e.g. resume pressed right after
   * hold: try again every 100 ms for up to 3 s rather than drop what the user asked for.
   */
  private reoffer(session: RTCSession, attempt: () => boolean, triesLeft = 30): void {
    if (this.session !== session || session.isEnded() || attempt() || triesLeft === 0) return;
    window.setTimeout(() => this.reoffer(session, attempt, triesLeft - 1), 100);
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
      park: isParkTarget(number),
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

  /**
   * Attended transfer, first step: the call is held and `target` called on the same microphone. The consultation
   * ends with `completeTransfer()` (the two parties talk, this phone leaves) or `cancelConsult()` (back to the call).
   */
  async consult(target: string): Promise<void> {
    const number = target.trim();
    const main = this.session;
    const { call, consult } = this.store.getState();
    if (
      !this.ua ||
      !main ||
      !number ||
      isLive(consult) ||
      (call.kind !== 'established' && call.kind !== 'held')
    )
      return;
    if (call.kind === 'established') this.reoffer(main, () => main.isOnHold().local || main.hold());
    const stream = this.media.currentMicrophone() ?? (await this.openMicrophone());
    if (!stream || !this.ua) return;
    this.consulting = true;
    try {
      this.ua.call(number, {
        mediaStream: stream,
        pcConfig,
        mediaConstraints: { audio: true, video: false },
      });
    } catch {
      this.consulting = false;
    }
  }

  /** Attended transfer, last step: REFER with Replaces naming the consultation; on NOTIFY 200 both legs go. */
  completeTransfer(): void {
    const main = this.session;
    const consult = this.consultSession;
    const { call, consult: consultCall } = this.store.getState();
    if (
      !main ||
      !consult ||
      consultCall.kind !== 'established' ||
      (call.kind !== 'held' && call.kind !== 'established')
    )
      return;
    const id = call.id;
    this.dispatch({
      type: 'call.transfer-started',
      id,
      target: consultCall.remote.number,
      park: false,
      at: this.now(),
    });
    const failed = () => this.dispatch({ type: 'call.transfer-failed', id });
    main.refer(consult.remote_identity.uri, {
      replaces: consult,
      eventHandlers: {
        requestFailed: failed,
        failed,
        accepted: () => {
          if (!consult.isEnded()) consult.terminate();
          if (!main.isEnded()) main.terminate();
        },
      },
    });
  }

  /** Ends the consultation and takes the held call back. */
  cancelConsult(): void {
    const consult = this.consultSession;
    if (consult && !consult.isEnded()) consult.terminate();
    const main = this.session;
    if (main && this.store.getState().call.kind === 'held')
      this.reoffer(main, () => !main.isOnHold().local || main.unhold());
  }

  /** Parks the call on `slot` (701-799), or on the next free one (700). */
  park(slot: string = PARK_NUMBER): void {
    this.transfer(slot);
  }

  dismissNotice(): void {
    this.dispatch({ type: 'notice.dismissed' });
  }

  private async openMicrophone(): Promise<MediaStream | null> {
    const result = await this.media.openMicrophone();
    if (result.ok) return result.stream;
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
    } else if (this.consulting) {
      this.consulting = false;
      this.trackConsult(session);
      this.dispatch({ type: 'call.outgoing', id: session.id, remote, consult: true });
    } else {
      this.track(session);
      this.dispatch({ type: 'call.outgoing', id: session.id, remote });
    }
  }

  /** The consultation call: its far end is what the page plays until it ends, then the held call's again. */
  private trackConsult(session: RTCSession): void {
    this.consultSession = session;
    watchSession(session, {
      dispatch: (event) => this.dispatch(event),
      now: () => this.now(),
      playRemoteAudio: (connection) => this.media.playRemoteAudio(connection),
      finished: (ended, event) => {
        if (this.consultSession === ended) {
          this.consultSession = null;
          if (!this.session) this.media.release();
          else if (this.session.connection) this.media.playConnection(this.session.connection);
        }
        this.dispatch(event);
      },
    });
  }

  private track(session: RTCSession): void {
    window.clearTimeout(this.clearTimer);
    this.session = session;
    watchSession(session, {
      dispatch: (event) => this.dispatch(event),
      now: () => this.now(),
      playRemoteAudio: (connection) => this.media.playRemoteAudio(connection),
      finished: (ended, event) => {
        if (this.session === ended) {
          this.session = null;
          // A consultation still going keeps the microphone (the held party hung up meanwhile).
          if (!this.consultSession) this.media.release();
        }
        this.dispatch(event);
        this.clearTimer = window.setTimeout(() => this.dispatch({ type: 'call.cleared' }), SHOW_ENDED_MS);
      },
    });
  }
}
