import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAriLease, type AriLease } from '../../controller/ha/ari-lease.js';
import type { OwnerRecord } from '../../controller/ha/lease.rules.js';
import { redisUrl } from '../helpers/test-app.js';
import { eventually } from '../helpers/telephony.js';

const TTL = 1200;
const opened: { lease: AriLease; redis: Redis }[] = [];

function instance(prefix: string, name: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  const log = { acquired: 0, lost: [] as (OwnerRecord | undefined)[] };
  const lease = createAriLease({
    redis,
    prefix,
    instanceId: `${name}-${randomUUID()}`,
    url: `http://${name}:3000`,
    ttlMs: TTL,
    logger: pino({ level: 'silent' }),
  });
  lease.onAcquired(() => log.acquired++);
  lease.onLost((by) => log.lost.push(by));
  opened.push({ lease, redis });
  return { lease, redis, log };
}

afterEach(async () => {
  for (const { lease, redis } of opened.splice(0)) {
    await lease.stop();
    redis.disconnect();
  }
});

const newPrefix = () => `test-lease-${randomBytes(4).toString('hex')}:`;

describe('the ARI lease (real Redis)', () => {
  it('gives the app to one instance; the other stands by knowing where the owner answers', async () => {
    const prefix = newPrefix();
    const a = instance(prefix, 'a');
    a.lease.start();
    await eventually(() => a.lease.isOwner(), 3000, 'a owns');
    const b = instance(prefix, 'b');
    b.lease.start();
    await eventually(() => b.lease.owner(), 3000, 'b sees the owner');
    expect(b.lease.owner()?.url).toBe('http://a:3000');
    expect(b.lease.isOwner()).toBe(false);
    expect(b.lease.mayAct()).toBe(false);
    expect(a.lease.mayAct()).toBe(true);
    expect(a.log.acquired).toBe(1);
  });

  it('a standby takes over once the owner has gone, with the next epoch', async () => {
    const prefix = newPrefix();
    const a = instance(prefix, 'a');
    a.lease.start();
    await eventually(() => a.lease.isOwner(), 3000, 'a owns');
    const first = a.lease.owner()!.epoch;
    const b = instance(prefix, 'b');
    b.lease.start();
    await eventually(() => b.lease.owner(), 3000, 'b sees a');
    await a.lease.stop();
    await eventually(() => b.lease.isOwner(), 3 * TTL, 'b takes over');
    expect(b.lease.owner()!.epoch).toBe(first + 1);
    expect(a.log.lost).toEqual([]);
  });

  it('a new process at the owner’s own address (a restart after kill -9) takes the lease at once, the next epoch', async () => {
    const prefix = newPrefix();
    const admin = new Redis(redisUrl);
    const earlierLife = { instanceId: 'killed', url: 'http://a:3000', epoch: 7 };
    await admin.set(`${prefix}ari-owner`, JSON.stringify(earlierLife), 'PX', 60_000);
    await admin.set(`${prefix}ari-epoch`, '7');
    admin.disconnect();
    const a = instance(prefix, 'a');
    a.lease.start();
    await eventually(() => a.lease.isOwner(), 3000, 'a owns at its first round');
    expect(a.lease.owner()!.epoch).toBe(8);
    // Another address is never taken over while its lease stands.
    const b = instance(prefix, 'b');
    b.lease.start();
    await eventually(() => b.lease.owner(), 3000, 'b sees a');
    expect(b.lease.isOwner()).toBe(false);
  });

  it('takes its lease again when it lapsed with nobody taking it (Redis restarted empty), without losing it', async () => {
    const prefix = newPrefix();
    const a = instance(prefix, 'a');
    a.lease.start();
    await eventually(() => a.lease.isOwner(), 3000, 'a owns');
    const admin = new Redis(redisUrl);
    await admin.del(`${prefix}ari-owner`);
    await eventually(() => admin.get(`${prefix}ari-owner`), 3000, 'the key is back');
    const record = JSON.parse((await admin.get(`${prefix}ari-owner`))!) as OwnerRecord;
    admin.disconnect();
    expect(record.instanceId).toBe(a.lease.instanceId);
    expect(a.log.lost).toEqual([]);
    expect(a.lease.mayAct()).toBe(true);
  });

  it('loses it, and shuts its gate, when the store says another instance holds it', async () => {
    const prefix = newPrefix();
    const a = instance(prefix, 'a');
    a.lease.start();
    await eventually(() => a.lease.isOwner(), 3000, 'a owns');
    const admin = new Redis(redisUrl);
    const thief = { instanceId: 'thief', url: 'http://thief:3000', epoch: 99 };
    await admin.set(`${prefix}ari-owner`, JSON.stringify(thief), 'PX', 60_000);
    admin.disconnect();
    await eventually(() => a.log.lost.length === 1, 3000, 'a learns it lost');
    expect(a.log.lost[0]).toEqual(thief);
    expect(a.lease.mayAct()).toBe(false);
    expect(a.lease.isOwner()).toBe(false);
  });

  it('an owner cut off from Redis keeps acting until Asterisk gives the app to another connection', async () => {
    const prefix = newPrefix();
    const a = instance(prefix, 'a');
    a.lease.start();
    await eventually(() => a.lease.isOwner(), 3000, 'a owns');
    a.redis.disconnect();
    const b = instance(prefix, 'b');
    b.lease.start();
    // The partition the README names: b reaches Redis, a does not, and the lease lapses.
    await eventually(() => b.lease.isOwner(), 3 * TTL, 'b takes the lapsed lease');
    expect(a.lease.mayAct()).toBe(true);
    // b's ARI socket takes the app: Asterisk sends a ApplicationReplaced.
    a.lease.replaced();
    expect(a.lease.mayAct()).toBe(false);
    expect(a.log.lost).toHaveLength(1);
  });
});
