/**
 * The events clients see on `/api/events`: `{ type, at, data }`. Each feature declares its own event types by
 * augmenting `EventMap` from its own folder:
 *
 *   declare module '../../bus/events.js' { interface EventMap { 'call.parked': ParkedCall } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventMap {}

export type EventType = keyof EventMap & string;

export interface PbxEvent<K extends EventType = EventType> {
  type: K;
  /** ISO-8601, when the controller saw it happen. */
  at: string;
  data: EventMap[K];
}

export type AnyPbxEvent = { [K in EventType]: PbxEvent<K> }[EventType];
