import type { Redis } from 'ioredis';
import type { PresenceView } from './presence.types.js';

/**
 * Presence views in Redis, shared by every controller instance: a hash userId -> view JSON. Only the instance that
 * holds the ARI app's WebSocket computes presence; it claims `presence:owner` when it connects, and each write goes
 * through only while the claim is still its own, so an instance that lost the app (replaced, or cut off) never
 * overwrites what the new holder computed.
 */
const WRITE_IF_OWNER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local removed = tonumber(ARGV[2])
for i = 3, 2 + removed do redis.call('HDEL', KEYS[2], ARGV[i]) end
for i = 3 + removed, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1`;

export interface PresenceStore {
  /** This instance computes presence from now on. */
  claim(): Promise<void>;
  /** Whether the claim is still this instance's (no other instance took the ARI app since). */
  owns(): Promise<boolean>;
  /** Writes views and removes users' views, if this instance still holds the claim; false when it does not. */
  write(views: readonly PresenceView[], removedUserIds?: readonly string[]): Promise<boolean>;
  /** `write` after the writes queued before it, never rejecting (`failed` is told why). */
  enqueue(
    views: readonly PresenceView[],
    removedUserIds: readonly string[],
    failed: (error: unknown) => void,
  ): void;
  /** Resolves when every queued write is done. */
  flush(): Promise<void>;
  readAll(): Promise<PresenceView[]>;
  read(userId: string): Promise<PresenceView | undefined>;
}

export function createPresenceStore(redis: Redis, prefix: string, instanceId: string): PresenceStore {
  const ownerKey = `${prefix}presence:owner`;
  const viewsKey = `${prefix}presence:views`;
  let queue: Promise<unknown> = Promise.resolve();
  const store: PresenceStore = {
    async claim() {
      await redis.set(ownerKey, instanceId);
    },
    async owns() {
      return (await redis.get(ownerKey)) === instanceId;
    },
    async write(views, removed = []) {
      if (views.length === 0 && removed.length === 0) return true;
      const args = [instanceId, String(removed.length), ...removed];
      for (const view of views) args.push(view.userId, JSON.stringify(view));
      const result = await redis.eval(WRITE_IF_OWNER, 2, ownerKey, viewsKey, ...args);
      return result === 1;
    },
    enqueue(views, removed, failed) {
      if (views.length === 0 && removed.length === 0) return;
      queue = queue.then(() => store.write(views, removed)).catch(failed);
    },
    async flush() {
      await queue;
    },
    async readAll() {
      const all = await redis.hgetall(viewsKey);
      return Object.values(all).flatMap((text) => parse(text) ?? []);
    },
    async read(userId) {
      const text = await redis.hget(viewsKey, userId);
      return text === null ? undefined : parse(text);
    },
  };
  return store;
}

function parse(text: string): PresenceView | undefined {
  try {
    const value = JSON.parse(text) as PresenceView;
    return typeof value?.userId === 'string' && typeof value.state === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
