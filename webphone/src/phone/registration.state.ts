/** The registration part of the phone's state: pure, folded from the user agent's connection and REGISTER events. */

import type { PhoneEvent, PhoneState, Registration } from './phone.types';

export function reduceRegistration(state: PhoneState, event: PhoneEvent): Registration {
  const current = state.registration;
  switch (event.type) {
    case 'ua.starting':
      return { kind: 'registering' };
    case 'ua.stopped':
      return current.kind === 'elsewhere' ? current : { kind: 'unregistered' };
    case 'phone.elsewhere':
      return { kind: 'elsewhere' };
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
