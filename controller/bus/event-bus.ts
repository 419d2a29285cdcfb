import type { AnyPbxEvent, EventMap, EventType, PbxEvent } from './events.js';

export type EventHandler = (event: AnyPbxEvent) => void;

export interface EventBus {
  /** Publish an event that happened here: delivered to local subscribers and to every other instance. */
  publish<K extends EventType>(type: K, data: EventMap[K]): void;
  /** Deliver an event to local subscribers only (used by the relay for events from other instances). */
  deliver(event: AnyPbxEvent): void;
  subscribe(handler: EventHandler): () => void;
  /** The relay's hook: called for every event published on this instance. */
  onPublish(forward: EventHandler): () => void;
}

export function createEventBus(now: () => Date = () => new Date()): EventBus {
  const handlers = new Set<EventHandler>();
  const forwarders = new Set<EventHandler>();

  const callEach = (targets: Set<EventHandler>, event: AnyPbxEvent) => {
    for (const handler of targets) {
      try {
        handler(event);
      } catch {
        // A subscriber's failure is its own; the others still get the event.
      }
    }
  };

  return {
    publish(type, data) {
      const event = { type, at: now().toISOString(), data } as PbxEvent as AnyPbxEvent;
      callEach(handlers, event);
      callEach(forwarders, event);
    },
    deliver: (event) => callEach(handlers, event),
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    onPublish(forward) {
      forwarders.add(forward);
      return () => forwarders.delete(forward);
    },
  };
}
