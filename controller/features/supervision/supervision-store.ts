import type { Redis } from 'ioredis';
import type { SessionState } from './supervision.types.js';

export interface SavedSession {
  session: SessionState;
  teamId: string | null;
}

/**
 * Live sessions in Redis (`<prefix>supervision:<id>`, ids in the set `<prefix>supervision`), so that a restarted
 * controller knows every channel and bridge of the sessions it had and ends them cleanly (a barging supervisor sits
 * in the call's own bridge: nothing in Asterisk alone tells them from a party).
 */
export function createSessionStore(redis: Redis, prefix: string) {
  const setKey = `${prefix}supervision`;
  const key = (id: string) => `${prefix}supervision:${id}`;
  return {
    async save(saved: SavedSession): Promise<void> {
      await redis
        .multi()
        .set(key(saved.session.id), JSON.stringify(saved))
        .sadd(setKey, saved.session.id)
        .exec();
    },
    async remove(id: string): Promise<void> {
      await redis.multi().del(key(id)).srem(setKey, id).exec();
    },
    async loadAll(): Promise<SavedSession[]> {
      const ids = await redis.smembers(setKey);
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map(key));
      return values.flatMap((value) => (value ? [JSON.parse(value) as SavedSession] : []));
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
