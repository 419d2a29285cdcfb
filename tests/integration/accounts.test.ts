import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../controller/app.js';
import { createAriConnection } from '../../controller/ari/ari-connection.js';
import type { PbxConnection, SipObjectType } from '../../controller/ari/pbx.port.js';
import { testConfig } from '../../controller/config.js';
import { startAriDouble, type AriDouble } from '../ari-double/index.js';
import { apiClient, type ApiClient } from '../helpers/fixtures.js';
import { insertUser, login, redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

/** What the brief promises: a change through the API is on Asterisk within 2 s. */
const WITHIN_MS = 2000;

let ari: AriDouble;
let database: TestDatabase;
let connection: PbxConnection;
let app: App;
let admin: ApiClient;
let adminExtension: string;
const redis: Redis[] = [];
const connects = { count: 0 };

beforeAll(async () => {
  ari = await startAriDouble();
  ari.seedEndpoint('trunk', { password: 'carrier-secret' });
  database = await createTestDatabase();
  const adminRow = await insertUser(database.db, { role: 'admin' });
  adminExtension = adminRow.extension;
  redis.push(new Redis(redisUrl), new Redis(redisUrl));
  const logger = pino({ level: 'silent' });
  connection = createAriConnection({
    url: ari.url,
    username: 'ari',
    password: 'ari',
    app: 'pbx',
    logger,
    backoff: { initialMs: 10, maxMs: 50 },
  });
  connection.onConnected(() => void connects.count++);
  const config = testConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `test-accounts-${Date.now()}:`,
  });
  app = await buildApp({
    config,
    logger,
    db: database.db,
    redis: redis[0]!,
    redisSubscriber: redis[1]!,
    pbxConnection: connection,
  });
  await connection.start();
  admin = apiClient(app, await login(app, adminRow.username, adminRow.password));
});

afterAll(async () => {
  await connection?.stop();
  await app?.close();
  for (const r of redis) r.disconnect();
  await database?.drop();
  await ari?.close();
});

/** The dynamic object as the double's ARI returns it, as attribute -> value; undefined when it does not exist. */
async function sipObject(type: SipObjectType, id: string): Promise<Record<string, string> | undefined> {
  const outcome = await connection.pbx.getSipObject(type, id);
  return outcome.ok ? Object.fromEntries(outcome.value.map((f) => [f.attribute, f.value])) : undefined;
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = WITHIN_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The whole account is there (auth, aor and endpoint: the endpoint is pushed last) with this password. */
const hasPassword = (id: string, password: string) => async () =>
  (await sipObject('auth', id))?.password === password && (await sipObject('endpoint', id)) !== undefined;
const isGone = (id: string) => async () =>
  (await Promise.all((['endpoint', 'aor', 'auth'] as const).map((type) => sipObject(type, id)))).every(
    (o) => o === undefined,
  );

const registers = async (id: string, password: string) => {
  try {
    await ari.registerPhone(id, { password, transport: id.endsWith('-web') ? 'ws' : 'udp' });
    return true;
  } catch {
    return false;
  }
};

describe('SIP accounts follow the database', () => {
  it('pushes the users already in the database on connect', async () => {
    await eventually(
      "the admin's accounts",
      async () => (await sipObject('endpoint', adminExtension)) !== undefined,
    );
    expect(await sipObject('endpoint', `${adminExtension}-web`)).toBeDefined();
  });

  it('a user created through the API gets a desk and a WebRTC account, registrable at once', async () => {
    const response = await admin.post('/api/users', {
      username: 'alice',
      displayName: 'Alice "Al" Liddell',
      extension: '1001',
      role: 'agent',
      password: 'correct horse battery',
      sipPassword: 'first-sip-secret',
    });
    expect(response.statusCode).toBe(201);
    await eventually(
      '1001 and 1001-web',
      async () =>
        (await hasPassword('1001', 'first-sip-secret')()) &&
        (await hasPassword('1001-web', 'first-sip-secret')()),
    );

    expect(await sipObject('auth', '1001')).toMatchObject({ auth_type: 'userpass', username: '1001' });
    expect(await sipObject('aor', '1001')).toMatchObject({
      max_contacts: '2',
      remove_existing: 'true',
      qualify_frequency: '30',
    });
    const desk = await sipObject('endpoint', '1001');
    expect(desk).toMatchObject({
      context: 'from-internal',
      aors: '1001',
      auth: '1001',
      dtmf_mode: 'rfc4733',
    });
    expect(desk?.callerid).toBe('"Alice Al Liddell" <1001>');
    expect(desk?.accountcode).toMatch(/^pbx:desk:/);
    expect(await sipObject('aor', '1001-web')).toMatchObject({ max_contacts: '5' });
    expect(await sipObject('endpoint', '1001-web')).toMatchObject({
      webrtc: 'yes',
      media_encryption: 'dtls',
      aors: '1001-web',
      auth: '1001-web',
    });

    expect(await registers('1001', 'first-sip-secret')).toBe(true);
    expect(await registers('1001-web', 'first-sip-secret')).toBe(true);
    expect(await registers('1001', 'a-wrong-password')).toBe(false);
  });

  it('a changed SIP password refuses the old one and accepts the new one', async () => {
    const id = await userId('alice');
    expect((await admin.patch(`/api/users/${id}`, { sipPassword: 'second-sip-secret' })).statusCode).toBe(
      200,
    );
    await eventually('the new password', hasPassword('1001', 'second-sip-secret'));
    await eventually('the new webrtc password', hasPassword('1001-web', 'second-sip-secret'));
    expect(await registers('1001', 'first-sip-secret')).toBe(false);
    expect(await registers('1001', 'second-sip-secret')).toBe(true);
  });

  it('a changed extension moves the accounts: the old names are deleted', async () => {
    const id = await userId('alice');
    expect((await admin.patch(`/api/users/${id}`, { extension: '1005' })).statusCode).toBe(200);
    await eventually('1005 pushed', hasPassword('1005', 'second-sip-secret'));
    await eventually('1005-web pushed', hasPassword('1005-web', 'second-sip-secret'));
    await eventually('1001 gone', isGone('1001'));
    await eventually('1001-web gone', isGone('1001-web'));
    expect(await registers('1005-web', 'second-sip-secret')).toBe(true);
  });

  it("a deleted user's accounts are deleted", async () => {
    const id = await userId('alice');
    expect((await admin.delete(`/api/users/${id}`)).statusCode).toBe(204);
    await eventually('1005 gone', isGone('1005'));
    await eventually('1005-web gone', isGone('1005-web'));
    expect(await registers('1005', 'second-sip-secret')).toBe(false);
  });

  it('a device gets an account named by its id, and loses it when deleted', async () => {
    const created = await admin.post('/api/devices', {
      id: 'lobby',
      name: 'Lobby phone',
      sipPassword: 'lobby-sip-secret',
    });
    expect(created.statusCode).toBe(201);
    await eventually('lobby pushed', hasPassword('lobby', 'lobby-sip-secret'));
    expect(await sipObject('endpoint', 'lobby')).toMatchObject({
      callerid: '"Lobby phone" <lobby>',
      accountcode: 'pbx:device:lobby',
    });
    expect(await registers('lobby', 'lobby-sip-secret')).toBe(true);
    expect((await admin.patch('/api/devices/lobby', { sipPassword: 'lobby-secret-two' })).statusCode).toBe(
      200,
    );
    await eventually('lobby password changed', hasPassword('lobby', 'lobby-secret-two'));
    expect((await admin.delete('/api/devices/lobby')).statusCode).toBe(204);
    await eventually('lobby gone', isGone('lobby'));
  });

  it("pushes every account again after Asterisk restarts, and removes stale ones of its own but not pjsip.conf's", async () => {
    await admin.post('/api/users', {
      username: 'bob',
      displayName: 'Bob',
      extension: '1002',
      role: 'agent',
      password: 'correct horse battery',
      sipPassword: 'bob-sip-secret',
    });
    await eventually('1002 pushed', hasPassword('1002', 'bob-sip-secret'));
    // A user deleted while the controller was away: its endpoint is still in Asterisk, with the controller's marker.
    await connection.pbx.putSipObject('endpoint', '1999', {
      context: 'from-internal',
      accountcode: 'pbx:desk:gone',
    });
    const before = connects.count;
    ari.restart();
    await eventually('reconnected', async () => connects.count > before);
    await eventually('1002 pushed again', hasPassword('1002', 'bob-sip-secret'));
    await eventually(
      'the admin pushed again',
      async () => (await sipObject('endpoint', `${adminExtension}-web`)) !== undefined,
    );
    expect(await registers('1002', 'bob-sip-secret')).toBe(true);

    await connection.pbx.putSipObject('endpoint', '1999', {
      context: 'from-internal',
      accountcode: 'pbx:desk:gone',
    });
    const again = connects.count;
    ari.dropWebSockets();
    await eventually('reconnected', async () => connects.count > again);
    await eventually('the stale 1999 removed', isGone('1999'));
    expect(await sipObject('endpoint', 'trunk')).toBeDefined();
  });
});

describe('changes while the controller is not connected', () => {
  it('a user created while ARI is down is pushed by the sync on the next connect', async () => {
    await connection.stop();
    const response = await admin.post('/api/users', {
      username: 'carol',
      displayName: 'Carol',
      extension: '1003',
      role: 'agent',
      password: 'correct horse battery',
      sipPassword: 'carol-sip-secret',
    });
    expect(response.statusCode).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await sipObject('endpoint', '1003')).toBeUndefined();
    await connection.start();
    await eventually('1003 pushed on connect', hasPassword('1003', 'carol-sip-secret'));
    await eventually('1003-web pushed on connect', hasPassword('1003-web', 'carol-sip-secret'));
  });
});

describe('/readyz', () => {
  it('says ari: up while connected, and ari: down (503) once the connection is gone', async () => {
    const up = await app.server.inject({ method: 'GET', url: '/readyz' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ checks: { ari: 'up', postgres: 'up', redis: 'up' } });
    await connection.stop();
    const down = await app.server.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'not-ready', checks: { ari: 'down', postgres: 'up' } });
  });
});

async function userId(username: string): Promise<string> {
  const response = await admin.get(`/api/users?q=${username}`);
  const page = response.json<{ items: { id: string; username: string }[] }>();
  const user = page.items.find((u) => u.username === username);
  if (!user) throw new Error(`no user ${username}: ${response.body}`);
  return user.id;
}
