import type { AnyPbxEvent } from '../../bus/events.js';
import type { Principal } from '../../http/auth.js';
import type { CallEvent, CallState } from './call.types.js';
import { canSeeCall, type CallView } from './call-view.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /** A callee's device is ringing (Asterisk reported it): one per device leg, `device` says which. */
    'call.ringing': CallEventView;
    /** Caller and callee are both in the call's bridge; `device` is the one that won. */
    'call.answered': CallEventView;
    /** A party's new device answered a handoff and took the old one's place; `device` is the new one. */
    'call.handed-off': CallEventView;
    /**
     * A transfer moved a party (call-transfer.ts): on the transferer's call (`transfer.direction` out: its transferee
     * left, it ends as transferred) and on an attended transfer's consultation call (in: the transferee took the
     * transferer's place; `device` is the transferee's channel).
     */
    'call.transferred': CallEventView;
    /** Every channel of the call has left; `disposition` says how it went. */
    'call.ended': CallView;
  }
}

/** A call event's data: the call view, and the device the event is about (ringing, answered). */
export type CallEventView = CallView & { device?: { channelId: string; endpoint: string } };

export type CallBusEvent = 'call.ringing' | 'call.answered' | 'call.handed-off' | 'call.transferred' | 'call.ended';

/** The decider's events that clients see, by bus type, with the device they are about (the call as it now stands). */
export function busEventOf(
  event: CallEvent,
  call: CallState,
): { type: CallBusEvent; device?: { channelId: string; endpoint: string } } | undefined {
  const device = (legId: string | null) => {
    const leg = legId ? call.legs.find((l) => l.id === legId) : undefined;
    return leg ? { device: { channelId: leg.id, endpoint: leg.endpoint } } : {};
  };
  switch (event.kind) {
    case 'leg-ringing': {
      const leg = call.legs.find((l) => l.id === event.legId);
      if (leg?.role !== 'callee' || call.stage !== 'setup') return undefined;
      return { type: 'call.ringing', ...device(leg.id) };
    }
    case 'connected':
      return { type: 'call.answered', ...device(call.answeredLegId) };
    case 'handoff-completed':
      return { type: 'call.handed-off', ...device(event.legId) };
    case 'transferred-out':
      return { type: 'call.transferred' };
    case 'party-replaced':
      return { type: 'call.transferred', ...device(event.leg.id) };
    case 'ended':
      return { type: 'call.ended' };
    default:
      return undefined;
  }
}

const callTypes: ReadonlySet<string> = new Set<CallBusEvent>([
  'call.ringing',
  'call.answered',
  'call.handed-off',
  'call.transferred',
  'call.ended',
]);

/** WebSocket visibility of call events: the same rule as the API (`canSeeCall`); other events are not ours. */
export function callEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!callTypes.has(event.type)) return undefined;
  return canSeeCall(principal, event.data as CallView);
}
