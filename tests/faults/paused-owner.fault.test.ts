import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAriDouble, type AriDouble, type SimPhone } from '../ari-double/index.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { insertUser, redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { controllerProcess, freePort, type ControllerProcess } from './controller-process.js';
import { apiClient } from './fault-rig.js';
import { until } from './until.js';

/**
 * The fence of issue 15: the owner frozen (SIGSTOP) past its lease, a standby takes over, then the old owner wakes
 * (SIGCONT). It must not send Asterisk one more request — its ARI link runs through a proxy that records every
 * request line — and it exits (75) to come back as a standby. The call goes on under the new owner.
 */
const ADMIN = { username: 'paused-admin', password: 'paused-admin-password-1', extension: '1000' };
const ARI_REQUEST = /^(GET|POST|PUT|DELETE) \/ari\//;

let double: AriDouble;
let database: TestDatabase;
let proxy: TcpProxy;
let controllers: [ControllerProcess, ControllerProcess];
const sent: { at: number; line: string }[] = [];
const phones: Record<string, SimPhone> = {};

beforeAll(async () => {
  double = await startAriDouble({ username: 'ari', password: 'ari' });
  database = await createTestDatabase();
  proxy = await startTcpProxy('127.0.0.1', Number(new URL(double.url).port), (chunk) => {
    const line = chunk.subarray(0, 200).toString('latin1').split('\r\n', 1)[0]!;
    if (ARI_REQUEST.test(line)) sent.push({ at: Date.now(), line });
  });
  await insertUser(database.db, { role: 'admin', ...ADMIN });
  const users = {
    '1001': await insertUser(database.db, { role: 'agent', extension: '1001' }),
    '1002': await insertUser(database.db, { role: 'agent', extension: '1002' }),
  };
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `paused-${randomBytes(4).toString('hex')}:`,
    JWT_SECRET: randomBytes(36).toString('base64'),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  };
  const made: ControllerProcess[] = [];
  for (const ariUrl of [`http://127.0.0.1:${proxy.port}`, double.url]) {
    const port = await freePort();
    made.push(
      await controllerProcess({
        ...env,
        ARI_URL: ariUrl,
        HTTP_PORT: String(port),
        INSTANCE_URL: `http://127.0.0.1:${port}`,
      }),
    );
  }
  controllers = made as [ControllerProcess, ControllerProcess];
  for (const c of controllers) {
    await c.start();
    await c.ready();
  }
  for (const [extension, user] of Object.entries(users))
    phones[extension] = await until(`${extension} provisioned`, () =>
      double
        .registerPhone(extension, { password: user.sip_password, answerMode: 'auto' })
        .catch(() => undefined),
    );
}, 120_000);

afterAll(async () => {
  for (const c of controllers ?? []) {
    c.signal('SIGCONT');
    await c.kill('SIGKILL');
  }
  await proxy?.close();
  await double?.close();
  await database?.drop();
});

const role = async (c: ControllerProcess) =>
  ((await fetch(`${c.url}/readyz`).then((r) => r.json())) as { instance?: { role: string } }).instance?.role;

describe('an owner paused past its lease', () => {
  it('wakes fenced: not one ARI request leaves it, it exits 75, and the standby keeps the call', async () => {
    const [owner, standby] = controllers;
    expect(await role(owner)).toBe('owner');
    const outgoing = phones['1001']!.dial('1002');
    await until('talking', () => outgoing.state === 'established');
    const incoming = phones['1002']!.calls.at(-1)!;

    owner.signal('SIGSTOP');
    await until('the standby owns the ARI app', async () => (await role(standby)) === 'owner', 15_000);
    const login = await apiClient(standby.url).post('/api/auth/login', {
      username: ADMIN.username,
      password: ADMIN.password,
    });
    const admin = apiClient(standby.url, {
      authorization: `Bearer ${login.json<{ token: string }>().token}`,
    });
    await until(
      'the call adopted by the new owner',
      async () => (await admin.get('/api/calls')).json<{ items: unknown[] }>().items.length === 1,
    );

    const wokeAt = Date.now();
    owner.signal('SIGCONT');
    await until('the old owner exited', () => !owner.running, 15_000);
    expect(owner.exitCode).toBe(75);
    expect(owner.output()).toMatch(/another instance owns the ARI app now/);
    expect(sent.filter((s) => s.at >= wokeAt).map((s) => s.line)).toEqual([]);
    expect(sent.length).toBeGreaterThan(0); // it did talk to Asterisk through the proxy while it owned the app

    expect([outgoing.state, incoming.state]).toEqual(['established', 'established']);
    phones['1001']!.hangup(outgoing);
    await until('the callee released', () => incoming.state === 'closed');
    const log = await until('the call log closed', async () => {
      const row = await database.db.selectFrom('call_logs').selectAll().executeTakeFirst();
      return row?.ended_at ? row : undefined;
    });
    expect(log.disposition).toBe('answered');
  });
});
