import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  afterAnswer,
  afterReplaced,
  initialLease,
  knownOwner,
  mayAct,
  type LeaseStep,
  type OwnerRecord,
  type StoreAnswer,
} from './lease.rules.js';

/**
 * The ARI lease in Redis (rules in lease.rules.ts). Key `<prefix>ari-owner` holds the owner's record with a TTL;
 * `<prefix>ari-epoch` counts owners. Each script answers the record that stands after it ran, and this side decides
 * "ours" by instance id, so a request that timed out here but ran later in Redis is read right on the next round.
 */
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current then
  local holder = cjson.decode(current)
  if holder.instanceId == ARGV[1] or holder.url ~= ARGV[2] then return current end
end
local epoch = redis.call('INCR', KEYS[2])
local record = cjson.encode({instanceId = ARGV[1], url = ARGV[2], epoch = epoch})
redis.call('SET', KEYS[1], record, 'PX', ARGV[3])
return record`;

/**
 * ACQUIRE takes the key when it is free, or when it names this instance's own address (`INSTANCE_URL`) under another
 * id: an earlier life of this instance (killed, restarted on the same address, which no two live processes can
 * hold), so a restarted owner does not wait out its own lease.
 */

/** Extends our lease; one that lapsed with nobody taking it (Redis restarted, a long pause) is ours again. */
const RENEW = `
local current = redis.call('GET', KEYS[1])
if not current then
  local record = cjson.encode({instanceId = ARGV[1], url = ARGV[2], epoch = tonumber(ARGV[4])})
  redis.call('SET', KEYS[1], record, 'PX', ARGV[3])
  return record
end
if cjson.decode(current).instanceId == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return current`;

const RELEASE = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).instanceId == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

export interface AriLeaseOptions {
  /** A connection of its own, with `enableOfflineQueue: false`: a request while Redis is away fails at once. */
  redis: Redis;
  prefix: string;
  instanceId: string;
  /** This instance's HTTP address as the other instances reach it (`INSTANCE_URL`). */
  url: string;
  ttlMs: number;
  logger: Logger;
  now?: () => number;
}

export interface AriLease {
  readonly instanceId: string;
  /** The gate of every ARI request and fact: this instance holds the lease now (lease.rules.ts `mayAct`). */
  mayAct(): boolean;
  /** This instance took the lease and has not lost it. */
  isOwner(): boolean;
  /** Who owns the ARI app as far as this instance knows (itself while it holds). */
  owner(): OwnerRecord | undefined;
  onAcquired(handler: () => void): void;
  /** The lease went to another instance, or Asterisk gave the app to another connection. */
  onLost(handler: (by: OwnerRecord | undefined) => void): void;
  /** Asterisk sent ApplicationReplaced. */
  replaced(): void;
  /** Takes the lease when free, renews it while held: every third of the TTL. */
  start(): void;
  /** Stops renewing and gives the lease up (if held), so a standby takes over at its next round. */
  stop(): Promise<void>;
}

export function createAriLease(options: AriLeaseOptions): AriLease {
  const { redis, instanceId, url, ttlMs, logger } = options;
  const now = options.now ?? (() => performance.now());
  const keys = [`${options.prefix}ari-owner`, `${options.prefix}ari-epoch`];
  const log = logger.child({ component: 'ari-lease' });
  let state = initialLease;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let round: Promise<void> | undefined;
  const acquired = new Set<() => void>();
  const lost = new Set<(by: OwnerRecord | undefined) => void>();

  const ask = async (script: string, args: (string | number)[]): Promise<StoreAnswer> => {
    const answer = redis.eval(script, 2, ...keys, ...args) as Promise<string>;
    const timeout = new Promise<undefined>((resolve) =>
      setTimeout(() => resolve(undefined), ttlMs / 3).unref(),
    );
    const text = await Promise.race([answer, timeout]).catch(() => undefined);
    const record = text === undefined ? undefined : parse(text);
    if (!record) return { kind: 'no-answer' };
    return record.instanceId === instanceId ? { kind: 'ours', record } : { kind: 'theirs', record };
  };

  const apply = ({ state: next, event }: LeaseStep) => {
    const before = state;
    state = next;
    if (next.storeDown && !before.storeDown && next.held)
      log.warn('Redis does not answer: keeping the ARI app until it does or Asterisk gives it to another');
    if (event === 'acquired') {
      log.info({ epoch: next.owner?.epoch }, 'took the ARI lease: this instance owns the Stasis app');
      for (const handler of acquired) handler();
    }
    if (event === 'lost') {
      log.error({ owner: next.owner }, 'lost the ARI lease');
      for (const handler of lost) handler(next.owner);
    }
  };

  const once = async () => {
    const sentAt = now();
    const answer = state.held
      ? await ask(RENEW, [instanceId, url, ttlMs, state.owner?.epoch ?? 0])
      : await ask(ACQUIRE, [instanceId, url, ttlMs]);
    if (running) apply(afterAnswer(state, answer, sentAt, ttlMs));
  };

  const schedule = () => {
    if (!running) return;
    timer = setTimeout(() => {
      round = once()
        .catch((error: unknown) => log.warn({ err: error }, 'lease round failed'))
        .finally(schedule);
    }, ttlMs / 3);
  };

  return {
    instanceId,
    mayAct: () => mayAct(state, now()),
    isOwner: () => state.held,
    owner: () => knownOwner(state, now(), ttlMs),
    onAcquired: (handler) => void acquired.add(handler),
    onLost: (handler) => void lost.add(handler),
    replaced: () => apply(afterReplaced(state)),
    start() {
      if (running) return;
      running = true;
      round = once()
        .catch((error: unknown) => log.warn({ err: error }, 'lease round failed'))
        .finally(schedule);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await round;
      if (!state.held) return;
      state = initialLease;
      await redis.eval(RELEASE, 2, ...keys, instanceId).catch(() => undefined);
    },
  };
}

function parse(text: string): OwnerRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<OwnerRecord>;
    if (typeof value.instanceId !== 'string' || typeof value.url !== 'string') return undefined;
    return { instanceId: value.instanceId, url: value.url, epoch: Number(value.epoch) || 0 };
  } catch {
    return undefined;
  }
}
