import type { AnyPbxEvent } from '../../bus/events.js';
import type { Principal } from '../../http/auth.js';
import type { CallEvent } from './call.types.js';
import { canSeeCall, type CallView } from './call-view.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /** A callee's device is ringing (Asterisk reported it). */
    'call.ringing': CallView;
    /** Caller and callee are both in the call's bridge. */
    'call.answered': CallView;
    /** Every channel of the call has left; `disposition` says how it went. */
    'call.ended': CallView;
  }
}

export type CallBusEvent = 'call.ringing' | 'call.answered' | 'call.ended';

/** The decider's events that clients see, by bus type. */
export function busTypeOf(event: CallEvent): CallBusEvent | undefined {
  switch (event.kind) {
    case 'ringing':
      return 'call.ringing';
    case 'connected':
      return 'call.answered';
    case 'ended':
      return 'call.ended';
    default:
      return undefined;
  }
}

const callTypes: ReadonlySet<string> = new Set<CallBusEvent>(['call.ringing', 'call.answered', 'call.ended']);

/** WebSocket visibility of call events: the same rule as the API (`canSeeCall`); other events are not ours. */
export function callEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!callTypes.has(event.type)) return undefined;
  return canSeeCall(principal, event.data as CallView);
}
