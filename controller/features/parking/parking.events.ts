import type { ParkAbandonedEvent, ParkedEvent, ParkTimeoutEvent, UnparkedEvent } from './parking-view.js';
import { slotViewOf } from './parking-view.js';
import type { ParkEvent, ParkState } from './parking.types.js';

declare module '../../bus/events.js' {
  interface EventMap {
    /** Asterisk confirmed the channel entered the slot's bridge. */
    'call.parked': ParkedEvent;
    /** The parked call left the slot for whoever picked it up (dialled the slot, API, recall). */
    'call.unparked': UnparkedEvent;
    /** The park timed out: the parker is rung back (the slot stays held meanwhile). */
    'park.timeout': ParkTimeoutEvent;
    /** The slot is free without a pick-up: the caller hung up, vanished, or nobody took the recall. */
    'park.abandoned': ParkAbandonedEvent;
  }
}

export type ParkBusEvent =
  | { type: 'call.parked'; data: ParkedEvent }
  | { type: 'call.unparked'; data: UnparkedEvent }
  | { type: 'park.timeout'; data: ParkTimeoutEvent }
  | { type: 'park.abandoned'; data: ParkAbandonedEvent };

/** The decider's events that clients see, with the park as it stands after the event. */
export function busEventOf(event: ParkEvent, park: ParkState): ParkBusEvent | undefined {
  const base = { parkId: park.id, channelId: park.channelId };
  switch (event.kind) {
    case 'parked':
      return { type: 'call.parked', data: { ...slotViewOf(park, true), ...base, via: park.via } };
    case 'timed-out':
      return {
        type: 'park.timeout',
        data: { ...slotViewOf(park, true), ...base, recallTo: park.parker?.number ?? null },
      };
    case 'unparked': {
      const to = park.handover?.to;
      const retrievedBy = { extension: to?.number ?? '', name: to?.name ?? '', userId: to?.userId ?? null };
      return {
        type: 'call.unparked',
        data: { ...slotViewOf(park, false), ...base, retrievedBy, via: park.handover?.via ?? 'dial' },
      };
    }
    case 'abandoned':
      return { type: 'park.abandoned', data: { ...slotViewOf(park, false), ...base, reason: event.reason } };
    default:
      return undefined;
  }
}
