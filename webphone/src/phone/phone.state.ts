/**
 * The webphone's state, folded from what the SIP user agent reports. Pure: no JsSIP, no timers, no clock
 * (every event that needs a time carries `at`, epoch milliseconds).
 */

import { callNotice, reduceCall, reduceConsult } from './call.state';
import type { PhoneEvent, PhoneState } from './phone.types';
import { reduceRegistration } from './registration.state';

export const initialPhoneState: PhoneState = {
  registration: { kind: 'unregistered' },
  everConnected: false,
  call: { kind: 'idle' },
  consult: { kind: 'idle' },
  notice: null,
  parkRequestedAt: null,
};

export function phoneReducer(state: PhoneState, event: PhoneEvent): PhoneState {
  if (event.type.startsWith('call.')) {
    const call = reduceCall(state.call, event);
    const consult = reduceConsult(state.consult, event);
    const notice = callNotice(state, event);
    const parkRequestedAt =
      event.type === 'call.transfer-started' && event.park ? event.at : state.parkRequestedAt;
    if (
      call === state.call &&
      consult === state.consult &&
      notice === state.notice &&
      parkRequestedAt === state.parkRequestedAt
    )
      return state;
    return { ...state, call, consult, notice, parkRequestedAt };
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
