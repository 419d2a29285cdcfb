import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../controller/app.js';
import { createAriConnection } from '../../controller/ari/ari-connection.js';
import type { OwnerRecord } from '../../controller/ha/lease.rules.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { apiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login, redisUrl } from '../helpers/test-app.js';
import { connectEvents, eventsUrl, ticket } from '../helpers/ws-client.js';

/**
 * Two instances on one database and Redis (issue 15): the telephony app owns the ARI app; a second app stands by
 * (its ARI connection never started) and serves the API and the WebSocket, forwarding what needs the owner.
 */
let t: Telephony;
let standby: App;
let standbyRedis: Redis[];
let owner: OwnerRecord | undefined;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};

beforeAll(async () => {
  t = await startTelephony();
  for (const ext of ['1001', '1002']) users[ext] = await t.addUser('agent', ext);
  users['1009'] = await t.addUser('admin', '1009');
  await t.start();
  for (const ext of ['1001', '1002']) phones[ext] = await t.phone(ext);
  const address = await t.app.server.listen({ host: '127.0.0.1', port: 0 });
  owner = { instanceId: 'the-owner', url: address, epoch: 1 };
  standbyRedis = [new Redis(redisUrl), new Redis(redisUrl)];
  standby = await buildApp({
    config: t.config,
    logger: pino({ level: 'silent' }),
    db: t.db,
    redis: standbyRedis[0]!,
    redisSubscriber: standbyRedis[1]!,
    pbxConnection: createAriConnection({
      ...t.config,
      url: t.config.ARI_URL,
      username: 'ari',
      password: 'ari',
      app: t.config.ARI_APP,
      logger: pino({ level: 'silent' }),
    }),
    ownership: { instanceId: 'the-standby', isOwner: () => false, owner: () => owner },
  });
  await standby.relay.ready;
  await standby.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await standby?.close();
  for (const redis of standbyRedis ?? []) redis.disconnect();
  await t?.close();
});

async function talking(from: string, to: string): Promise<{ outgoing: PhoneCall; callId: string }> {
  const since = t.events.length;
  const outgoing = phones[from]!.dial(to);
  const answered = await eventually(
    () => t.events.slice(since).find((e) => e.type === 'call.answered'),
    3000,
    'call.answered',
  );
  await eventually(() => outgoing.state === 'established', 3000, 'established');
  return { outgoing, callId: (answered.data as { id: string }).id };
}

describe('a standby instance', () => {
  it('is ready, says it stands by and names the owner', async () => {
    const response = await standby.server.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      checks: { ari: 'up' },
      instance: { id: 'the-standby', role: 'standby', owner: owner!.url },
    });
  });

  it('serves live calls from the owner, and parks one there (a command forwarded with its body)', async () => {
    const client = apiClient(standby, await login(standby, users['1002']!.username, users['1002']!.password));
    const { outgoing, callId } = await talking('1001', '1002');
    const calls = await client.get('/api/calls');
    expect(calls.statusCode).toBe(200);
    expect(calls.json<{ items: { id: string }[] }>().items.map((c) => c.id)).toContain(callId);
    const parked = await client.post('/api/parking/park', { callId, slot: 755 });
    expect(parked.statusCode).toBe(201);
    expect(parked.json()).toMatchObject({ slot: '755', occupied: true });
    phones['1001']!.hangup(outgoing);
    await eventually(() => t.double.channels().length === 0, 4000, 'all hung up');
  });

  it('forwards refusals as the owner gave them (validation, access)', async () => {
    const client = apiClient(standby, await login(standby, users['1001']!.username, users['1001']!.password));
    const bad = await client.post('/api/parking/park', { callId: 42 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation-failed' } });
    const anonymous = await standby.server.inject({ method: 'GET', url: '/api/calls' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('gives its WebSocket clients the owner’s live calls in the snapshot, then the owner’s events', async () => {
    const headers = await login(standby, users['1009']!.username, users['1009']!.password);
    const { outgoing, callId } = await talking('1001', '1002');
    const ws = connectEvents(eventsUrl(standby, `?ticket=${await ticket(standby, headers)}`));
    const snapshot = await ws.next((m) => m.type === 'snapshot');
    const live = (snapshot.data as { calls: { id: string }[] }).calls;
    expect(live.map((c) => c.id)).toContain(callId);
    phones['1001']!.hangup(outgoing);
    const ended = await ws.next((m) => m.type === 'call.ended');
    expect((ended.data as { id: string }).id).toBe(callId);
    ws.close();
  });

  it('serves what PostgreSQL holds itself, and answers 503 ari-owner-unknown for owner routes while no owner is known', async () => {
    const client = apiClient(standby, await login(standby, users['1009']!.username, users['1009']!.password));
    const saved = owner;
    owner = undefined;
    try {
      expect((await client.get('/api/users')).statusCode).toBe(200);
      const calls = await client.get('/api/calls');
      expect(calls.statusCode).toBe(503);
      expect(calls.json()).toMatchObject({ error: { code: 'ari-owner-unknown' } });
      expect((await standby.server.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    } finally {
      owner = saved;
    }
  });

  it('answers 503 ari-owner-unreachable when the owner it knows does not answer', async () => {
    const client = apiClient(standby, await login(standby, users['1009']!.username, users['1009']!.password));
    const saved = owner;
    owner = { instanceId: 'dead', url: 'http://127.0.0.1:1', epoch: 2 };
    try {
      const calls = await client.get('/api/calls');
      expect(calls.statusCode).toBe(503);
      expect(calls.json()).toMatchObject({ error: { code: 'ari-owner-unreachable' } });
    } finally {
      owner = saved;
    }
  });

  it('the owner refuses the internal snapshot route without an instance token (an access token is not one)', async () => {
    const headers = await login(t.app, users['1009']!.username, users['1009']!.password);
    const response = await t.app.server.inject({ method: 'GET', url: '/internal/snapshot/calls', headers });
    expect(response.statusCode).toBe(401);
  });
});
