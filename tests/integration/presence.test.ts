import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { PresenceView } from '../../controller/features/presence/presence.types.js';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp } from '../../controller/app.js';
import { createAriConnection } from '../../controller/ari/ari-connection.js';
import { insertTeam } from '../helpers/fixtures.js';
import { redisUrl } from '../helpers/test-app.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/**
 * Presence from the ARI double's registrations and channels and the users' DND, through the real app: every
 * transition, and what a reconnect, an outage and a restart do. (API, WebSocket and instances: presence-api.test.ts.)
 */
let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
let admin: Awaited<ReturnType<typeof clientFor>>;

beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 5 }, app: { presence: { staleAfterMs: 200 } } });
  const team = await insertTeam(t.db);
  for (const ext of ['1001', '1002', '1003']) users[ext] = await t.addUser('agent', ext);
  users['1009'] = await t.addUser('admin', '1009');
  await t.db
    .updateTable('users')
    .set({ team_id: team.id })
    .where('extension', 'in', ['1001', '1002'])
    .execute();
  await t.start();
  admin = await clientFor(t.app, users['1009']!);
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await eventually(() => t.double.channels().length === 0, 4000, 'no channels left');
});

const idOf = (ext: string) => users[ext]!.id;
const stateOf = (ext: string) => t.app.presence.stateOf(idOf(ext));
const viewOf = (ext: string) => t.app.presence.viewOf(idOf(ext))!;

async function until(ext: string, state: PresenceView['state'], timeoutMs = 2000) {
  await eventually(() => stateOf(ext) === state, timeoutMs, `${ext} ${state} (is ${stateOf(ext)})`);
}

/** The presence.changed events of a user since the `since`th bus event. */
const changesOf = (ext: string, since: number) =>
  t.events
    .slice(since)
    .filter((e): e is Extract<AnyPbxEvent, { type: 'presence.changed' }> => e.type === 'presence.changed')
    .filter((e) => e.data.userId === idOf(ext))
    .map((e) => e.data);

/** The call ringing at a phone now (a phone's older unanswered calls aside). */
const ringingAt = (phone: string) =>
  eventually(
    () => phones[phone]!.calls.find((c) => c.direction === 'incoming' && c.state === 'ringing'),
    3000,
    `${phone} rings`,
  );

async function register(account: string): Promise<SimPhone> {
  const phone = await t.phone(account, 'manual');
  phones[account] = phone;
  return phone;
}

describe('registrations', () => {
  it('everyone starts offline; a registration makes the user available, its end offline again', async () => {
    expect(stateOf('1001')).toBe('offline');
    const since = t.events.length;
    await register('1001');
    await until('1001', 'available');
    expect(viewOf('1001')).toMatchObject({
      userId: idOf('1001'),
      extension: '1001',
      state: 'available',
      devices: [
        { account: '1001', registered: true },
        { account: '1001-web', registered: false },
      ],
      dnd: false,
      status: null,
      stale: false,
    });
    expect(viewOf('1001').lastSeenAt).toBe(viewOf('1001').since);
    // One event for one change (the double's endpoint events come twice per registration: unknown/online etc.).
    expect(changesOf('1001', since).map((v) => v.state)).toEqual(['available']);
    phones['1001']!.unregister();
    await until('1001', 'offline');
    await register('1001');
    await until('1001', 'available');
  });

  it('desk and webphone both registered: one leaving keeps the user available, the last one makes them offline', async () => {
    await register('1002');
    await register('1002-web');
    await eventually(() => viewOf('1002').devices.every((d) => d.registered), 2000, 'both registered');
    expect(stateOf('1002')).toBe('available');
    const since = t.events.length;
    phones['1002-web']!.unregister(); // the webphone tab closes
    await eventually(() => viewOf('1002').devices.some((d) => !d.registered), 2000, 'web gone');
    expect(stateOf('1002')).toBe('available');
    expect(changesOf('1002', since).map((v) => v.state)).toEqual(['available']);
    phones['1002']!.unregister();
    await until('1002', 'offline');
    await register('1002-web');
    await until('1002', 'available');
    phones['1002-web']!.unregister();
    await until('1002', 'offline');
    await register('1002');
    await until('1002', 'available');
  });

  it('repeated endpoint events of the same state publish nothing', async () => {
    const since = t.events.length;
    const endpoint = { technology: 'PJSIP', resource: '1001', state: 'online', channel_ids: [] };
    for (let i = 0; i < 5; i++)
      t.double.emitRaw({
        type: 'EndpointStateChange',
        timestamp: `2026-12-02T10:00:0${i}.000+0000`,
        endpoint,
      });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(changesOf('1001', since)).toEqual([]);
  });
});

describe('calls', () => {
  it('the caller is on the call from the dial, the callee rings, both on the call once answered, available after', async () => {
    const since = t.events.length;
    const call = phones['1002']!.dial('1001');
    await until('1002', 'on-call');
    const incoming = await ringingAt('1001');
    await until('1001', 'ringing');
    phones['1001']!.answer(incoming);
    await until('1001', 'on-call');
    expect(stateOf('1002')).toBe('on-call');
    phones['1002']!.hangup(call);
    await until('1001', 'available');
    await until('1002', 'available');
    expect(changesOf('1001', since).map((v) => v.state)).toEqual(['ringing', 'on-call', 'available']);
    expect(changesOf('1002', since).map((v) => v.state)).toEqual(['on-call', 'available']);
  });

  it('a call not answered: ringing, then available again when the caller gives up', async () => {
    const call = phones['1002']!.dial('1001');
    await ringingAt('1001');
    await until('1001', 'ringing');
    phones['1002']!.hangup(call);
    await until('1001', 'available');
    await until('1002', 'available');
  });

  it('a user with no device is offline also while someone calls them', async () => {
    const call = phones['1002']!.dial('1003');
    await eventually(() => call.state === 'closed', 3000, 'the call to 1003 fails');
    expect(stateOf('1003')).toBe('offline');
    await until('1002', 'available');
  });
});

describe('DND', () => {
  it('the API: dnd at once, available again at once', async () => {
    const url = `/api/users/${idOf('1001')}/dnd`;
    expect((await admin.put(url, { enabled: true })).statusCode).toBe(200);
    expect(stateOf('1001')).toBe('dnd');
    expect(viewOf('1001').dnd).toBe(true);
    expect((await admin.put(url, { enabled: false })).statusCode).toBe(200);
    expect(stateOf('1001')).toBe('available');
  });

  it('*78 and *79 on the phone (on the call while dialling the code)', async () => {
    const since = t.events.length;
    phones['1001']!.dial('*78');
    await until('1001', 'dnd', 4000);
    phones['1001']!.dial('*79');
    await until('1001', 'available', 4000);
    const states = changesOf('1001', since).map((v) => v.state);
    expect(states[0]).toBe('on-call');
    expect(states).toContain('dnd');
    expect(states.at(-1)).toBe('available');
  });

  it('in DND on a call: on-call, and dnd once the call ends', async () => {
    await admin.put(`/api/users/${idOf('1001')}/dnd`, { enabled: true });
    const call = phones['1001']!.dial('1002');
    const incoming = await ringingAt('1002');
    phones['1002']!.answer(incoming);
    await until('1001', 'on-call');
    phones['1001']!.hangup(call);
    await until('1001', 'dnd');
    await admin.put(`/api/users/${idOf('1001')}/dnd`, { enabled: false });
    expect(stateOf('1001')).toBe('available');
  });
});

describe('hot desking', () => {
  it('a hot desk device counts for the user logged in on it, and no longer once they log out', async () => {
    const created = await admin.post('/api/devices', {
      id: 'hot-7',
      name: 'Hot desk 7',
      hotdesk: true,
      sipPassword: 'hot-7-secret-pw',
    });
    expect(created.statusCode, created.body).toBe(201);
    phones['hot-7'] = await eventually(
      () =>
        t.double
          .registerPhone('hot-7', { password: 'hot-7-secret-pw', answerMode: 'manual' })
          .catch(() => undefined),
      3000,
      'hot-7 registered',
    );
    expect(stateOf('1003')).toBe('offline');
    const login = await admin.post('/api/hotdesk/login', { deviceId: 'hot-7', extension: '1003' });
    expect(login.statusCode, login.body).toBe(200);
    await until('1003', 'available');
    expect(viewOf('1003').devices).toContainEqual({ account: 'hot-7', registered: true });
    // A call on the hot desk is the user's call.
    const call = phones['hot-7']!.dial('1001');
    await until('1003', 'on-call');
    phones['hot-7']!.hangup(call);
    await until('1003', 'available');
    expect((await admin.post('/api/hotdesk/logout', { deviceId: 'hot-7' })).statusCode).toBe(204);
    await until('1003', 'offline');
    expect(viewOf('1003').devices.map((d) => d.account)).toEqual(['1003', '1003-web']);
  });
});

describe('reality wins over what was known', () => {
  it('after a reconnect, a phone that unregistered while the socket was down is offline', async () => {
    await until('1002', 'available');
    t.double.dropWebSockets();
    phones['1002']!.unregister(); // no event reaches the controller
    await until('1002', 'offline', 3000);
    await register('1002');
    await until('1002', 'available');
  });

  it('a call made on the fallback dialplan while the controller was away shows once it is back, and its end too', async () => {
    await t.connection.stop();
    const call = phones['1002']!.dial('1001');
    const incoming = await ringingAt('1001');
    phones['1001']!.answer(incoming);
    expect(call.state).toBe('established');
    // Away for longer than the stale limit: the views keep their last state, marked stale.
    await eventually(() => viewOf('1001').stale && viewOf('1002').stale, 2000, 'stale');
    expect(stateOf('1001')).toBe('available');
    await t.connection.start();
    await until('1001', 'on-call');
    await until('1002', 'on-call');
    expect(viewOf('1001').stale).toBe(false);
    // Its end comes as events of the endpoint subscription (the channels never were in Stasis).
    phones['1002']!.hangup(call);
    await until('1001', 'available');
    await until('1002', 'available');
  });

  it('the periodic pass corrects a drift without an event', async () => {
    // An endpoint event that lies (as a lost event would leave it): the next listing puts it right.
    const endpoint = { technology: 'PJSIP', resource: '1001', state: 'offline', channel_ids: [] };
    t.double.emitRaw({ type: 'EndpointStateChange', timestamp: '2026-12-02T10:00:09.000+0000', endpoint });
    await until('1001', 'offline');
    await t.app.presence.reconcile();
    expect(stateOf('1001')).toBe('available');
  });

  it('a controller restart keeps since and lastSeenAt of what did not change (the views are in Redis)', async () => {
    const before = viewOf('1001');
    const since = t.events.length;
    await t.restartController();
    await eventually(() => t.app.presence.viewOf(idOf('1001'))?.stale === false, 3000, 'recomputed');
    expect(viewOf('1001')).toMatchObject({
      state: 'available',
      since: before.since,
      lastSeenAt: before.lastSeenAt,
    });
    // Nothing changed, so nothing is published (no flap while the new instance lists what Asterisk has).
    expect(changesOf('1001', since)).toEqual([]);
  });
});

describe('two instances, one ARI app', () => {
  it('the instance that takes the app computes; the replaced one neither overwrites nor marks stale what it stored', async () => {
    await until('1001', 'available');
    const since = t.events.length;
    const redis = new Redis(redisUrl);
    const redisSubscriber = new Redis(redisUrl);
    const logger = pino({ level: 'silent' });
    const connection = createAriConnection({
      url: t.double.url,
      username: 'ari',
      password: 'ari',
      app: t.config.ARI_APP,
      logger,
      backoff: { initialMs: 20, maxMs: 100 },
      heartbeatMs: 0,
    });
    const other = await buildApp({
      config: t.config,
      logger,
      db: t.db,
      redis,
      redisSubscriber,
      pbxConnection: connection,
      presence: { staleAfterMs: 200 },
    });
    try {
      await other.relay.ready;
      await connection.start(); // the double replaces the first instance's socket (ApplicationReplaced)
      await eventually(() => t.connection.state() === 'disconnected', 2000, 'the first instance replaced');
      await eventually(
        () => other.presence.viewOf(idOf('1001'))?.state === 'available',
        2000,
        'computed there',
      );
      phones['1001']!.unregister();
      await eventually(
        () => other.presence.stateOf(idOf('1001')) === 'offline',
        2000,
        'offline on the new holder',
      );
      // The replaced instance hears it through Redis, and its stale limit (200 ms) passes without a stale mark.
      await eventually(() => stateOf('1001') === 'offline', 2000, 'mirrored on the replaced instance');
      await new Promise((resolve) => setTimeout(resolve, 400));
      const stored = await redis.hget(`${t.config.REDIS_PREFIX}presence:views`, idOf('1001'));
      expect(JSON.parse(stored!)).toMatchObject({ state: 'offline', stale: false });
      expect(viewOf('1001')).toMatchObject({ state: 'offline', stale: false });
      const staleMarks = t.events.slice(since).filter((e) => e.type === 'presence.changed' && e.data.stale);
      expect(staleMarks).toEqual([]);
    } finally {
      await connection.stop();
      await other.close();
      redis.disconnect();
      redisSubscriber.disconnect();
    }
  });
});
