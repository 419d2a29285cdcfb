import type { Redis } from 'ioredis';

/**
 * Claims in Redis that hold across controller instances: `<prefix>agent-claim:<userId>` (the agent rings for, or
 * talks on, this routed call) and `<prefix>contact-call:<contactId>` (an agent is calling or talking to this contact).
 * A claim's value is `<callId> <payload>`; it is taken with SET NX (exactly one call wins), kept alive by its holder
 * (PEXPIRE while the value is still this call's) and given back only by the call that holds it (compare and delete),
 * so a late release never frees someone else's claim. A holder that dies stops refreshing: the claim lapses after
 * its time to live, and the instance that reconciles next drops it at once if its call is gone.
 */

const TAKE = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
  redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1 end
if v then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3]) return 1`;

/** Takes up to ARGV[3] of the keys (in order) for ARGV[1]; the 1-based positions of those taken (or already held). */
const TAKE_SOME = `
local taken = {}
local limit = tonumber(ARGV[3])
for i, key in ipairs(KEYS) do
  if #taken >= limit then break end
  local v = redis.call('GET', key)
  if v and string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
    redis.call('PEXPIRE', key, ARGV[2]) taken[#taken + 1] = i
  elseif not v then
    redis.call('SET', key, ARGV[1] .. ' ', 'PX', ARGV[2]) taken[#taken + 1] = i
  end
end
return taken`;

const OWNED = `local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, string.len(ARGV[1]) + 1) ~= ARGV[1] .. ' ' then return 0 end`;

const RELEASE = `${OWNED}
return redis.call('DEL', KEYS[1])`;

const REFRESH = `${OWNED}
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

const REPLACE = `${OWNED}
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'KEEPTTL') return 1`;

export interface Holder {
  callId: string;
  payload: string;
}

const holderOf = (value: string | null): Holder | undefined => {
  if (value === null) return undefined;
  const space = value.indexOf(' ');
  return space < 0 ? { callId: value, payload: '' } : { callId: value.slice(0, space), payload: value.slice(space + 1) };
};

export function createClaimsStore(redis: Redis, prefix: string, ttlMs: number) {
  const key = (kind: 'agent-claim' | 'contact-call', id: string) => `${prefix}${kind}:${id}`;
  return {
    key,
    /** True when the claim is this call's now (taken, or already held: then its time to live starts again). */
    async take(claimKey: string, callId: string, payload = ''): Promise<boolean> {
      return (await redis.eval(TAKE, 1, claimKey, callId, payload, ttlMs)) === 1;
    },
    /** Takes up to `limit` of these claims for the call, in order, in one atomic step; the keys it got. */
    async takeSome(claimKeys: string[], callId: string, limit: number): Promise<string[]> {
      if (claimKeys.length === 0 || limit <= 0) return [];
      const taken = (await redis.eval(TAKE_SOME, claimKeys.length, ...claimKeys, callId, ttlMs, limit)) as number[];
      return taken.map((i) => claimKeys[i - 1]!);
    },
    async release(claimKey: string, callId: string): Promise<void> {
      await redis.eval(RELEASE, 1, claimKey, callId);
    },
    /** Keeps these claims alive; false for one this call no longer holds. */
    async refresh(claimKeys: string[], callId: string): Promise<boolean[]> {
      return Promise.all(claimKeys.map(async (k) => (await redis.eval(REFRESH, 1, k, callId, ttlMs)) === 1));
    },
    async replacePayload(claimKey: string, callId: string, payload: string): Promise<void> {
      await redis.eval(REPLACE, 1, claimKey, callId, payload);
    },
    async holder(claimKey: string): Promise<Holder | undefined> {
      return holderOf(await redis.get(claimKey));
    },
    /**
     * The team's routed calls waiting for an agent (a sorted set scored by when the entry lapses unless renewed):
     * calls arriving together share the team's free agents.
     */
    async wait(teamId: string, callId: string): Promise<void> {
      await redis.zadd(`${prefix}routed-waiting:${teamId}`, Date.now() + ttlMs, callId);
    },
    async unwait(teamId: string, callId: string): Promise<void> {
      await redis.zrem(`${prefix}routed-waiting:${teamId}`, callId);
    },
    async waitingCount(teamId: string): Promise<number> {
      const waitKey = `${prefix}routed-waiting:${teamId}`;
      const results = await redis.multi().zremrangebyscore(waitKey, '-inf', Date.now()).zcard(waitKey).exec();
      const count = results?.[1]?.[1];
      return typeof count === 'number' ? count : 1;
    },
    /** Every waiting mark in Redis (of any instance): team and call. */
    async allWaiting(): Promise<{ teamId: string; callId: string }[]> {
      const found: { teamId: string; callId: string }[] = [];
      const head = `${prefix}routed-waiting:`;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500);
        cursor = next;
        for (const k of keys)
          for (const callId of await redis.zrange(k, 0, -1)) found.push({ teamId: k.slice(head.length), callId });
      } while (cursor !== '0');
      return found;
    },
    /** Every claim in Redis (of any instance) with its holder. */
    async all(): Promise<{ key: string; holder: Holder }[]> {
      const found: { key: string; holder: Holder }[] = [];
      for (const kind of ['agent-claim', 'contact-call'] as const) {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}${kind}:*`, 'COUNT', 500);
          cursor = next;
          const values = keys.length > 0 ? await redis.mget(...keys) : [];
          keys.forEach((k, i) => {
            const holder = holderOf(values[i] ?? null);
            if (holder) found.push({ key: k, holder });
          });
        } while (cursor !== '0');
      }
      return found;
    },
  };
}

export type ClaimsStore = ReturnType<typeof createClaimsStore>;
