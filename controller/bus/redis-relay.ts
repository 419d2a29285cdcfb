import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AnyPbxEvent } from './events.js';
import type { EventBus } from './event-bus.js';

interface Envelope {
  origin: string;
  event: AnyPbxEvent;
}

export interface RedisRelay {
  instanceId: string;
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Relays events between controller instances over Redis pub/sub. Events published here go out; events from other
 * instances are delivered to local subscribers. Local delivery never waits for Redis, so a Redis blip only delays
 * what other instances see.
 */
export function startRedisRelay(bus: EventBus, publisher: Redis, subscriber: Redis, channel: string): RedisRelay {
  const instanceId = randomUUID();
  const stopForwarding = bus.onPublish((event) => {
    const envelope: Envelope = { origin: instanceId, event };
    publisher.publish(channel, JSON.stringify(envelope)).catch(() => undefined);
  });
  const onMessage = (from: string, message: string) => {
    if (from !== channel) return;
    const envelope = parse(message);
    if (envelope && envelope.origin !== instanceId) bus.deliver(envelope.event);
  };
  subscriber.on('message', onMessage);
  const ready = subscriber.subscribe(channel).then(() => undefined);
  return {
    instanceId,
    ready,
    async stop() {
      stopForwarding();
      subscriber.off('message', onMessage);
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}

function parse(message: string): Envelope | undefined {
  try {
    const value = JSON.parse(message) as { origin?: unknown; event?: { type?: unknown } };
    const valid = typeof value?.origin === 'string' && typeof value.event?.type === 'string';
    return valid ? (value as Envelope) : undefined;
  } catch {
    return undefined;
  }
}
