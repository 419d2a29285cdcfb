import type * as JsSIP from 'jssip';
import type { UA } from 'jssip/lib/UA';
import type { PhoneEvent } from './phone.types';
import { registerRetryDelay } from './register-retry';
import { registrationFailure } from './registration.state';

/** What `GET /api/users/me/sip-credentials` returns (the password stays in memory, never stored). */
export interface SipCredentials {
  username: string;
  authorizationUser: string;
  password: string;
  wsUrl: string;
  uri: string;
}

/** The JsSIP user agent with the settings that work against Asterisk 22; null when the WebSocket URL is unusable. */
export function createUserAgent(jssip: typeof JsSIP, credentials: SipCredentials): UA | null {
  let socket: JsSIP.WebSocketInterface;
  try {
    socket = new jssip.WebSocketInterface(credentials.wsUrl);
  } catch {
    return null;
  }
  return new jssip.UA({
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
}

/** REGISTERs refused in a row on the current WebSocket, and the pending retry (see register-retry.ts). */
export class RegisterRetry {
  private failures = 0;
  private timer: number | undefined;

  /** Counts a refused REGISTER and schedules `register` when the policy retries; what `reg.failed` says. */
  failed(statusCode: number | null, cause: string, register: () => void) {
    const failures = ++this.failures;
    const retryInMs = registerRetryDelay(registrationFailure(statusCode, cause), failures);
    window.clearTimeout(this.timer);
    if (retryInMs !== null) this.timer = window.setTimeout(register, retryInMs);
    return { failures, retryInMs };
  }

  /** Drops the pending retry and starts the count again. */
  cancel(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    this.failures = 0;
  }
}

/**
 * Turns the user agent's connection and registration events into `PhoneEvent`s, and sends REGISTER again
 * after a refusal while `isCurrent()` (JsSIP itself only registers on a new connection).
 */
export function watchRegistration(
  ua: UA,
  retry: RegisterRetry,
  dispatch: (event: PhoneEvent) => void,
  isCurrent: () => boolean,
): void {
  ua.on('connecting', (e) => dispatch({ type: 'ws.connecting', attempts: e.attempts }));
  // A new WebSocket starts a new count: JsSIP sends REGISTER on every connect by itself.
  ua.on('connected', () => {
    retry.cancel();
    dispatch({ type: 'ws.connected' });
  });
  ua.on('disconnected', () => {
    retry.cancel();
    dispatch({ type: 'ws.disconnected' });
  });
  ua.on('registered', () => {
    retry.cancel();
    dispatch({ type: 'reg.registered' });
  });
  ua.on('unregistered', () => dispatch({ type: 'reg.unregistered' }));
  ua.on('registrationFailed', (e) => {
    const statusCode = e.response?.status_code ?? null;
    const cause = String(e.cause ?? '');
    const { failures, retryInMs } = retry.failed(statusCode, cause, () => {
      if (isCurrent() && ua.isConnected() && !ua.isRegistered()) ua.register();
    });
    dispatch({ type: 'reg.failed', statusCode, cause, failures, retryInMs });
  });
}
