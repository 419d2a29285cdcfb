import { createStore } from '../store';
import { initialPhoneState, phoneReducer } from './phone.state';
import type { PhoneStore } from './sip-phone';

export function createPhoneStore(): PhoneStore {
  return createStore(initialPhoneState, phoneReducer);
}
