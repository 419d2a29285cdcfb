import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { hashSecret } from '../../controller/features/auth/password.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { countRows } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';
import { redisUrl } from '../helpers/test-app.js';

/**
 * Hot desking through the ARI double, end to end (issue 11): `*11` / `*12` on simulated desk phones, the API, where
 * calls ring and whom they show, the PIN lock and its expiry, roaming, idle and scheduled log-outs (on a test clock)
 * deferred by a call, the guest rule, a restart, and concurrent log-ins.
 */

let t: Telephony;
const redis = new Redis(redisUrl);
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
type Client = Awaited<ReturnType<typeof clientFor>>;
let admin: Client;
let agent: Client;
const PIN: Record<string, string> = { '1001': '1234', '1002': '5678' };
const DEVICES = { desk1: true, desk2: true, lobby: false } as const;

beforeAll(async () => {
  t = await startTelephony({
    config: { HOTDESK_IDLE_MINUTES: 30, HOTDESK_LOGOUT_AT: '18:00', PBX_TIME_ZONE: 'America/New_York' },
    // A 1 s pause ends an entry (3 s in production): short for the tests, long enough that a loaded machine's event
    // loop never splits `1001#` in two (a 300 ms pause once did, under CI with other work running).
    app: { now, hotdesk: { sweepMs: 40, entryRules: { pauseMs: 1000 } } },
  });
  for (const ext of ['1001', '1002', '1003', '1009'])
    users[ext] = await t.addUser(ext === '1009' ? 'admin' : 'agent', ext);
  for (const [ext, pin] of Object.entries(PIN))
    await t.db
      .updateTable('users')
      .set({ pin_hash: await hashSecret(pin) })
      .where('extension', '=', ext)
      .execute();
  await t.start();
  admin = await clientFor(t.app, users['1009']!);
  agent = await clientFor(t.app, users['1001']!);
  for (const [id, hotdesk] of Object.entries(DEVICES)) {
    const created = await admin.post('/api/devices', {
      id,
      name: `Desk ${id}`,
      hotdesk,
      sipPassword: `${id}-secret-pw`,
    });
    expect(created.statusCode, created.body).toBe(201);
    phones[id] = await eventually(
      () =>
        t.double
          .registerPhone(id, { password: `${id}-secret-pw`, answerMode: 'manual' })
          .catch(() => undefined),
      3000,
      `${id} registered`,
    );
  }
  phones['1001'] = await t.phone('1001', 'manual');
  phones['1003'] = await t.phone('1003', 'manual');
});
afterAll(async () => {
  redis.disconnect();
  await t?.close();
});
beforeEach(async () => {
  await eventually(() => t.double.channels().length === 0, 4000, 'no channels left');
});
afterEach(async () => {
  for (const phone of Object.values(phones))
    for (const call of phone.calls) if (call.state !== 'closed') phone.hangup(call);
  for (const session of await sessions())
    await admin.post('/api/hotdesk/logout', { deviceId: session.deviceId });
  offsetMs = 0;
  await resetLock();
});

type Session = {
  id: string;
  deviceId: string;
  userId: string;
  extension: string;
  via: string;
  lastActivityAt: string;
};
const sessions = async () => (await admin.get('/api/hotdesk/sessions')).json<{ items: Session[] }>().items;
const sessionOn = async (deviceId: string) => (await sessions()).find((s) => s.deviceId === deviceId);
const eventOf = (type: string, since: number, match: (e: AnyPbxEvent) => boolean = () => true, ms = 4000) =>
  eventually(() => t.events.slice(since).find((e) => e.type === type && match(e)), ms, type) as Promise<
    AnyPbxEvent & { data: Session & { reason?: string } }
  >;
const audit = async (action: string) =>
  t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
/** Wrong-PIN counts and locks are the clock's: a test that moved the clock leaves none behind. */
async function resetLock() {
  const keys = await redis.keys(`${t.config.REDIS_PREFIX}hotdesk:*`);
  if (keys.length) await redis.del(...keys);
}
const hotdeskAudit = async () =>
  Number(
    (
      await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', 'like', 'hotdesk.%')
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Dials `*11` on a desk, types the extension and the PIN after their prompts; resolves with the closed call. */
async function phoneLogin(desk: string, extension: string, pin: string): Promise<PhoneCall> {
  const call = phones[desk]!.dial('*11');
  await eventually(() => call.state === 'established', 2000, '*11 answered');
  await eventually(() => call.prompts.includes('sound:extension'), 2000, 'the "extension" prompt');
  phones[desk]!.sendDtmf(`${extension}#`, call);
  await eventually(() => call.prompts.includes('sound:vm-password'), 2000, 'the "password" prompt');
  phones[desk]!.sendDtmf(`${pin}#`, call);
  await eventually(() => call.state === 'closed', 4000, 'hung up after the answer');
  return call;
}

/** `*11` that must succeed (the last prompt says so). */
async function loggedInByPhone(desk: string, extension: string, pin: string): Promise<void> {
  const call = await phoneLogin(desk, extension, pin);
  expect(call.prompts.at(-1), `${extension} logged in on ${desk}`).toBe('sound:auth-thankyou');
}

/** The first incoming call on `phone` after its `before`th call. */
const incomingAfter = (phone: string, before: number) =>
  eventually(
    () => phones[phone]!.calls.slice(before).find((c) => c.direction === 'incoming'),
    3000,
    `${phone} rings`,
  );

async function apiLogin(client: Client, body: Record<string, unknown>) {
  return client.post('/api/hotdesk/login', body);
}

/** 1003 calls `to`; resolves with the incoming call on `phone` (or undefined if it never rings). */
async function ringsAt(to: string, phone: string, ms = 1500): Promise<PhoneCall | undefined> {
  const before = phones[phone]!.calls.length;
  const outgoing = phones['1003']!.dial(to);
  const incoming = await eventually(
    () => phones[phone]!.calls.slice(before).find((c) => c.direction === 'incoming'),
    ms,
    `${phone} rings`,
  ).catch(() => undefined);
  phones['1003']!.hangup(outgoing);
  await eventually(() => t.double.channels().length === 0, 3000, 'the call gone');
  return incoming;
}

describe('*11 on a hot desk phone', () => {
  it('with the right PIN: thanks, logs in, the desk rings for the user and calls as them', async () => {
    const since = t.events.length;
    const call = await phoneLogin('desk1', '1001', '1234');
    expect(call.prompts).toEqual(['sound:extension', 'sound:vm-password', 'sound:auth-thankyou']);
    const login = await eventOf('hotdesk.login', since);
    expect(login.data).toMatchObject({
      deviceId: 'desk1',
      userId: users['1001']!.id,
      extension: '1001',
      via: 'phone',
    });
    expect(await sessionOn('desk1')).toMatchObject({ userId: users['1001']!.id, extension: '1001' });
    expect((await audit('hotdesk.login')).at(-1)).toMatchObject({ target: `user:${users['1001']!.id}` });

    // A call to 1001 rings the desk alongside 1001's own phone; the desk answers and the two talk.
    const before = phones.desk1!.calls.length;
    const outgoing = phones['1003']!.dial('1001');
    const [atDesk, atOwn] = await Promise.all([
      phones.desk1!.waitForIncoming(),
      phones['1001']!.waitForIncoming(),
    ]);
    expect(phones.desk1!.calls.length).toBe(before + 1);
    expect(atDesk.remote.number).toBe('1003');
    phones.desk1!.answer(atDesk);
    await eventually(() => atOwn.state === 'closed', 2000, "1001's own phone stops");
    await eventually(() => phones.desk1!.hears(atDesk).includes('1003'), 2000, 'the desk hears 1003');
    expect(phones['1003']!.hears(outgoing)).toContain('desk1');
    phones['1003']!.hangup(outgoing);
    await eventually(() => t.double.channels().length === 0, 3000, 'the call gone');

    // A call from the desk shows 1001 to the callee.
    const seen = phones['1003']!.calls.length;
    const placed = phones.desk1!.dial('1003');
    const shown = await incomingAfter('1003', seen);
    expect(shown.remote).toEqual({ number: '1001', name: users['1001']!.display_name });
    phones.desk1!.hangup(placed);
  });

  it('with a wrong PIN: "incorrect", hung up, nothing logged in, the failure audited', async () => {
    const failures = (await audit('hotdesk.login-failed')).length;
    const call = await phoneLogin('desk1', '1001', '9999');
    expect(call.prompts).toEqual(['sound:extension', 'sound:vm-password', 'sound:auth-incorrect']);
    expect(call.endedBy).toBe('remote');
    expect(await sessionOn('desk1')).toBeUndefined();
    const failed = await audit('hotdesk.login-failed');
    expect(failed.length).toBe(failures + 1);
    expect(failed.at(-1)).toMatchObject({
      target: `user:${users['1001']!.id}`,
      details: { reason: 'pin-incorrect' },
    });
    expect(await ringsAt('1001', 'desk1', 600)).toBeUndefined();
  });

  it('an unknown extension answers like a wrong PIN', async () => {
    const call = await phoneLogin('desk1', '4444', '1234');
    expect(call.prompts.at(-1)).toBe('sound:auth-incorrect');
    expect(await sessionOn('desk1')).toBeUndefined();
  });

  it('ends the extension after a pause without #', async () => {
    const call = phones.desk2!.dial('*11');
    await eventually(() => call.prompts.includes('sound:extension'), 2000, 'the "extension" prompt');
    phones.desk2!.sendDtmf('1002', call);
    await eventually(() => call.prompts.includes('sound:vm-password'), 3000, 'the PIN prompt after the 1 s pause');
    phones.desk2!.sendDtmf('5678#', call);
    await eventually(() => call.state === 'closed', 3000, 'closed');
    expect(call.prompts.at(-1)).toBe('sound:auth-thankyou');
    expect(await sessionOn('desk2')).toMatchObject({ extension: '1002' });
  });

  it('is refused with a prompt on a device that is not a hot desk, and on a user phone', async () => {
    for (const phone of ['lobby', '1003']) {
      const call = phones[phone]!.dial('*11');
      await eventually(() => call.state === 'closed', 3000, `${phone} hung up`);
      expect(call.prompts).toEqual(['sound:feature-not-avail-line']);
    }
    expect(await sessions()).toEqual([]);
  });
});

describe('*12', () => {
  it('logs the desk out (reason user); the desk no longer rings for the user', async () => {
    await phoneLogin('desk1', '1001', '1234');
    expect(await ringsAt('1001', 'desk1')).toBeDefined();
    const since = t.events.length;
    const call = phones.desk1!.dial('*12');
    await eventually(() => call.state === 'closed', 3000, 'hung up');
    expect(call.prompts).toEqual(['sound:vm-goodbye']);
    expect((await eventOf('hotdesk.logout', since)).data).toMatchObject({
      deviceId: 'desk1',
      reason: 'user',
    });
    expect(await ringsAt('1001', 'desk1', 600)).toBeUndefined();
    const again = phones.desk1!.dial('*12');
    await eventually(() => again.state === 'closed', 3000, 'hung up');
    expect(again.prompts).toEqual(['sound:pbx-invalid']);
  });
});

describe('the PIN lock', () => {
  it('5 wrong PINs (phone and API together) lock the user for 15 minutes, audited once; then it opens', async () => {
    for (let i = 0; i < 4; i++) {
      const wrong = await apiLogin(agent, { deviceId: 'desk1', extension: '1001', pin: '0000' });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().error.code).toBe('pin-incorrect');
    }
    expect((await phoneLogin('desk1', '1001', '0000')).prompts.at(-1)).toBe('sound:auth-incorrect');
    const locked = await apiLogin(agent, { deviceId: 'desk1', extension: '1001', pin: '1234' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('hotdesk-locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect((await phoneLogin('desk1', '1001', '1234')).prompts.at(-1)).toBe('sound:auth-incorrect');
    expect(await sessionOn('desk1')).toBeUndefined();
    const lockouts = await audit('hotdesk.locked');
    expect(lockouts.filter((e) => e.target === `user:${users['1001']!.id}`)).toHaveLength(1);
    // Another user is not locked.
    expect((await apiLogin(admin, { deviceId: 'desk2', extension: '1002', pin: '5678' })).statusCode).toBe(
      200,
    );

    offsetMs += 14 * 60_000;
    expect((await apiLogin(agent, { deviceId: 'desk1', extension: '1001', pin: '1234' })).statusCode).toBe(
      429,
    );
    offsetMs += 61_000;
    const open = await apiLogin(agent, { deviceId: 'desk1', extension: '1001', pin: '1234' });
    expect(open.statusCode, open.body).toBe(200);
  });
});

describe('roaming', () => {
  it('logging in on a second desk ends the first (reason replaced); only the second rings', async () => {
    await phoneLogin('desk1', '1001', '1234');
    const since = t.events.length;
    expect((await phoneLogin('desk2', '1001', '1234')).prompts.at(-1)).toBe('sound:auth-thankyou');
    expect((await eventOf('hotdesk.logout', since)).data).toMatchObject({
      deviceId: 'desk1',
      reason: 'replaced',
    });
    expect((await sessions()).map((s) => s.deviceId)).toEqual(['desk2']);
    expect(await ringsAt('1001', 'desk2')).toBeDefined();
    expect(await ringsAt('1001', 'desk1', 600)).toBeUndefined();
  });
});

describe('automatic log-outs (test clock)', () => {
  it('idle: never during a call; after the call, once the idle time passed again (reason idle)', async () => {
    await apiLogin(admin, { deviceId: 'desk1', extension: '1001' });
    const before = phones.desk1!.calls.length;
    const outgoing = phones['1003']!.dial('1001');
    const atDesk = await incomingAfter('desk1', before);
    phones.desk1!.answer(atDesk);
    await eventually(() => atDesk.state === 'established', 2000, 'talking');
    await eventually(() => t.events.some((e) => e.type === 'call.answered'), 2000, 'answered');
    const since = t.events.length;
    offsetMs += 45 * 60_000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sessionOn('desk1')).toBeDefined();
    expect(t.events.slice(since).some((e) => e.type === 'hotdesk.logout')).toBe(false);
    phones['1003']!.hangup(outgoing);
    await eventOf('call.ended', since);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await sessionOn('desk1')).toBeDefined(); // the call's end was activity
    offsetMs += 31 * 60_000;
    expect((await eventOf('hotdesk.logout', since)).data).toMatchObject({
      deviceId: 'desk1',
      reason: 'idle',
    });
    expect(await sessionOn('desk1')).toBeUndefined();
  });

  it('scheduled: at 18:00 in the PBX time zone; a desk on a call goes when the call ends', async () => {
    // 17:30 in New York (EST, UTC-5) on the test clock.
    offsetMs = Date.parse('2026-12-02T22:30:00Z') - Date.now();
    await apiLogin(admin, { deviceId: 'desk1', extension: '1001' });
    await apiLogin(admin, { deviceId: 'desk2', extension: '1002' });
    const seen = phones['1003']!.calls.length;
    const placed = phones.desk2!.dial('1003');
    const at1003 = await incomingAfter('1003', seen);
    phones['1003']!.answer(at1003);
    await eventually(() => placed.state === 'established', 2000, 'desk2 talking');
    const since = t.events.length;
    offsetMs += 20 * 60_000; // 17:50: nothing
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await sessions()).toHaveLength(2);
    offsetMs += 11 * 60_000; // 18:01
    expect((await eventOf('hotdesk.logout', since)).data).toMatchObject({
      deviceId: 'desk1',
      reason: 'scheduled',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await sessions()).map((s) => s.deviceId)).toEqual(['desk2']);
    phones.desk2!.hangup(placed);
    const desk2 = await eventOf('hotdesk.logout', since, (e) => (e.data as Session).deviceId === 'desk2');
    expect(desk2.data.reason).toBe('scheduled');
    expect(await sessions()).toEqual([]);
  });
});

describe('guests', () => {
  it.each([
    ['an outside number', '5551234567', 403],
    ['the intercom', '*801003', 403],
    ['a paging group', '801', 403],
    ['an emergency number (no trunk yet: 503, never refused)', '911', 503],
    ['another emergency number', '112', 503],
  ])('a guest desk dialling %s (%s) gets %i', async (_what, dialled, status) => {
    const call = phones.desk1!.dial(dialled);
    await eventually(() => call.state === 'closed', 2000, `${dialled} answered`);
    expect(call.status).toBe(status);
  });

  it('a guest desk reaches internal extensions', async () => {
    const seen = phones['1003']!.calls.length;
    const placed = phones.desk1!.dial('1003');
    const shown = await incomingAfter('1003', seen);
    expect(shown.remote.name).toBe('Desk desk1');
    phones.desk1!.hangup(placed);
  });

  it('a logged-in desk, and a device that is not a hot desk, are not guests', async () => {
    await apiLogin(admin, { deviceId: 'desk1', extension: '1001' });
    for (const phone of ['desk1', 'lobby']) {
      const call = phones[phone]!.dial('5551234567');
      await eventually(() => call.state === 'closed', 2000, 'answered');
      expect(call.status, phone).toBe(503); // no trunk, but not refused
    }
  });
});

describe('restarts', () => {
  it('sessions survive a controller restart: the desk still rings and calls as the user; *12 still works', async () => {
    await loggedInByPhone('desk1', '1001', '1234');
    await t.restartController();
    admin = await clientFor(t.app, users['1009']!);
    agent = await clientFor(t.app, users['1001']!);
    expect(await sessionOn('desk1')).toMatchObject({ extension: '1001' });
    expect(await ringsAt('1001', 'desk1')).toBeDefined();
    const seen = phones['1003']!.calls.length;
    const placed = phones.desk1!.dial('1003');
    expect((await incomingAfter('1003', seen)).remote.number).toBe('1001');
    phones.desk1!.hangup(placed);
    await eventually(() => t.double.channels().length === 0, 3000, 'the call gone');
    const out = phones.desk1!.dial('*12');
    await eventually(() => out.state === 'closed', 3000, 'hung up');
    expect(out.prompts).toEqual(['sound:vm-goodbye']);
    expect(await sessionOn('desk1')).toBeUndefined();
  });

  it("the desk's SIP caller ID follows the user while logged in", async () => {
    await apiLogin(admin, { deviceId: 'desk1', extension: '1001' });
    const callerId = async () =>
      (await t.connection.pbx.getSipObject('endpoint', 'desk1')).ok
        ? (
            (await t.connection.pbx.getSipObject('endpoint', 'desk1')) as {
              value: { attribute: string; value: string }[];
            }
          ).value.find((f) => f.attribute === 'callerid')?.value
        : undefined;
    await eventually(async () => (await callerId())?.includes('<1001>'), 3000, 'callerid 1001');
    await admin.post('/api/hotdesk/logout', { deviceId: 'desk1' });
    await eventually(
      async () => (await callerId())?.includes('<desk1>'),
      3000,
      'callerid back to the device',
    );
  });
});

describe('concurrent log-ins', () => {
  it('one user on two desks at once: exactly one session, every answer 200 or 409', async () => {
    const attempts = await Promise.all(
      ['desk1', 'desk2', 'desk1', 'desk2'].map((deviceId) =>
        apiLogin(admin, { deviceId, extension: '1002' }),
      ),
    );
    expect(attempts.map((r) => r.statusCode).every((s) => s === 200 || s === 409)).toBe(true);
    const rows = await t.db
      .selectFrom('hotdesk_sessions')
      .selectAll()
      .where('user_id', '=', users['1002']!.id)
      .execute();
    expect(rows).toHaveLength(1);
    const ringing = await Promise.all([ringsAt('1002', rows[0]!.device_id)]);
    expect(ringing[0]).toBeDefined();
  });
});

describe('the API', () => {
  it('a user logs in as themselves with their PIN, never as someone else; admins anyone without one', async () => {
    const other = await apiLogin(agent, { deviceId: 'desk1', extension: '1002', pin: '5678' });
    expect([other.statusCode, other.json().error.code]).toEqual([403, 'forbidden']);
    const noPin = await apiLogin(agent, { deviceId: 'desk1', extension: '1001' });
    expect([noPin.statusCode, noPin.json().error.code]).toEqual([400, 'validation-failed']);
    const own = await apiLogin(agent, { deviceId: 'desk1', extension: '1001', pin: '1234' });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({
      deviceId: 'desk1',
      extension: '1001',
      userId: users['1001']!.id,
      via: 'api',
    });
    expect(Object.keys(own.json())).toEqual(
      expect.arrayContaining(['id', 'deviceId', 'userId', 'extension', 'startedAt', 'lastActivityAt']),
    );
    const byAdmin = await apiLogin(admin, { deviceId: 'desk2', extension: '1002' });
    expect(byAdmin.statusCode).toBe(200);
    // Agents see their own session only; admins every one.
    expect((await agent.get('/api/hotdesk/sessions')).json().items.map((s: Session) => s.extension)).toEqual([
      '1001',
    ]);
    expect(await sessions()).toHaveLength(2);
    // Only the session's user or an admin logs a desk out.
    const notMine = await agent.post('/api/hotdesk/logout', { deviceId: 'desk2' });
    expect([notMine.statusCode, notMine.json().error.code]).toEqual([403, 'forbidden']);
    const since = t.events.length;
    expect((await admin.post('/api/hotdesk/logout', { deviceId: 'desk2' })).statusCode).toBe(204);
    expect((await eventOf('hotdesk.logout', since)).data.reason).toBe('admin');
    expect((await agent.post('/api/hotdesk/logout', { deviceId: 'desk1' })).statusCode).toBe(204);
    expect(
      (await eventOf('hotdesk.logout', since, (e) => (e.data as Session).deviceId === 'desk1')).data.reason,
    ).toBe('user');
  });

  it.each([
    ['no device', { deviceId: 'no-such-desk', extension: '1001' }, 404, 'no-such-device'],
    [
      'a device that is not a hot desk',
      { deviceId: 'lobby', extension: '1001' },
      403,
      'not-a-hotdesk-device',
    ],
    ['an unknown extension', { deviceId: 'desk1', extension: '4444' }, 404, 'no-such-extension'],
  ])('refuses %s', async (_what, body, status, code) => {
    const response = await apiLogin(admin, body);
    expect([response.statusCode, response.json().error.code]).toEqual([status, code]);
  });

  it('answers 404 no-hotdesk-session for a desk nobody is on', async () => {
    const response = await admin.post('/api/hotdesk/logout', { deviceId: 'desk1' });
    expect([response.statusCode, response.json().error.code]).toEqual([404, 'no-hotdesk-session']);
  });

  it.each([
    ['no deviceId', { extension: '1001', pin: '1234' }],
    ['an unknown field', { deviceId: 'desk1', extension: '1001', pin: '1234', user: 'x' }],
    ['a PIN with letters', { deviceId: 'desk1', extension: '1001', pin: '12ab' }],
    ['a long extension', { deviceId: 'desk1', extension: '123456', pin: '1234' }],
    ['a device id that cannot be one', { deviceId: 'Desk 1', extension: '1001', pin: '1234' }],
    ['a number as extension', { deviceId: 'desk1', extension: 1001, pin: '1234' }],
  ])('rejects %s with 400 and changes nothing', async (_what, body) => {
    const before = [await countRows(t.db, 'hotdesk_sessions'), await hotdeskAudit()];
    const response = await apiLogin(admin, body);
    expect([response.statusCode, response.json().error.code]).toEqual([400, 'validation-failed']);
    expect(await agent.post('/api/hotdesk/logout', { deviceId: 7 })).toMatchObject({ statusCode: 400 });
    expect([await countRows(t.db, 'hotdesk_sessions'), await hotdeskAudit()]).toEqual(before);
  });
});
