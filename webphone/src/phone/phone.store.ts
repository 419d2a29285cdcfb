import { createStore, type Store } from '../store';
import { initialPhoneState, phoneReducer } from './phone.state';
import type { PhoneEvent, PhoneState } from './phone.types';

export type PhoneStore = Store<PhoneState, PhoneEvent>;

export function createPhoneStore(): PhoneStore {
  return createStore(initialPhoneState, phoneReducer);
}
