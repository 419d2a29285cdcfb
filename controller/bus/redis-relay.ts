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
export function startRedisRelay(
  bus: EventBus,
  publisher: Redis,
  subscriber: Redis,
  channel: string,
  instanceId: string = randomUUID(),
): RedisRelay {
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
  let stopped = false;
  // With Redis away at start the first subscribe fails; try again each time the connection is back (once
  // subscribed, ioredis itself subscribes again after every reconnect).
  const ready = new Promise<void>((resolve) => {
    const attempt = () => {
      if (stopped) return resolve();
      subscriber.subscribe(channel).then(
        () => resolve(),
        () => subscriber.once('ready', attempt),
      );
    };
    attempt();
  });
  return {
    instanceId,
    ready,
    async stop() {
      stopped = true;
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
