import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CallState } from './call.types.js';

/**
 * Live calls in Redis (`<prefix>calls:<id>` as JSON, ids in the set `<prefix>calls`), so that a restarted controller,
 * or the instance that takes the ARI application over, rebuilds its view, timers included.
 *
 * While Redis is not ready, a save or removal does not wait: it is kept (each call's newest) and sent once Redis is
 * ready again. Waiting would hold the call: its next input waits for its writes (call-runner.ts), and ioredis keeps a
 * command through its reconnect attempts, so a 10 s Redis outage delayed a `#72` park by 34 s (the fault suite,
 * tests/faults/redis-outage.fault.test.ts). Commands go out in order on one connection, so a kept state sent at
 * `ready` never overtakes a newer save.
 */
export interface CallStore {
  save(call: CallState): Promise<void>;
  remove(callId: string): Promise<void>;
  loadAll(): Promise<CallState[]>;
}

export function createCallStore(redis: Redis, prefix: string, logger?: Logger): CallStore {
  const setKey = `${prefix}calls`;
  const key = (id: string) => `${prefix}calls:${id}`;
  /** Saves (a state) and removals (null) Redis was not ready for, by call. */
  const kept = new Map<string, CallState | null>();
  const send = (id: string, call: CallState | null) =>
    call
      ? redis.multi().set(key(id), JSON.stringify(call)).sadd(setKey, id).exec()
      : redis.multi().del(key(id)).srem(setKey, id).exec();
  const write = async (id: string, call: CallState | null) => {
    if (redis.status !== 'ready') {
      if (kept.size === 0) logger?.warn('Redis is not ready: live calls are saved once it is back');
      kept.set(id, call);
      return;
    }
    kept.delete(id);
    await send(id, call);
  };
  redis.on('ready', () => {
    const pending = [...kept];
    kept.clear();
    for (const [id, call] of pending)
      send(id, call).catch((error: unknown) => {
        logger?.warn({ err: error, callId: id }, 'could not save a kept call to Redis');
        if (!kept.has(id)) kept.set(id, call);
      });
  });
  return {
    save: (call) => write(call.id, call),
    remove: (callId) => write(callId, null),
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
