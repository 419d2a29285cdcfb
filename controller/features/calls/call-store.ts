import type { Redis } from 'ioredis';
import type { CallState } from './call.types.js';

/**
 * Live calls in Redis (`<prefix>calls:<id>` as JSON, ids in the set `<prefix>calls`), so that a restarted controller,
 * or the instance that takes the ARI application over, rebuilds its view, timers included.
 */
export interface CallStore {
  save(call: CallState): Promise<void>;
  remove(callId: string): Promise<void>;
  loadAll(): Promise<CallState[]>;
}

export function createCallStore(redis: Redis, prefix: string): CallStore {
  const setKey = `${prefix}calls`;
  const key = (id: string) => `${prefix}calls:${id}`;
  return {
    async save(call) {
      await redis.multi().set(key(call.id), JSON.stringify(call)).sadd(setKey, call.id).exec();
    },
    async remove(callId) {
      await redis.multi().del(key(callId)).srem(setKey, callId).exec();
    },
    async loadAll() {
      const ids = await redis.smembers(setKey);
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map(key));
      const calls: CallState[] = [];
      values.forEach((value, i) => {
        if (value) calls.push(JSON.parse(value) as CallState);
        else void redis.srem(setKey, ids[i]!);
      });
      return calls;
    },
  };
}
