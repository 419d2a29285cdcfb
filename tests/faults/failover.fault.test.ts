import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../controller/db/tables/users.js';
import { startAriDouble, type AriDouble, type PhoneCall, type SimPhone } from '../ari-double/index.js';
import { insertUser, redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { controllerProcess, freePort, type ControllerProcess } from './controller-process.js';
import { apiClient, type ApiClient } from './fault-rig.js';
import type { Call, Page, Slot, Supervision } from './scenarios.js';
import { connectEvents } from '../helpers/ws-client.js';
import { until } from './until.js';

/**
 * The failover of issue 15: two controllers on one double, database and Redis prefix. The owner holds 20 talking
 * calls, 10 parked calls, 2 pages and 2 supervision sessions; it is killed (SIGKILL); the standby takes the ARI
 * lease within 5 s, adopts all of it, and every timer fires at its original deadline (park timeouts, page limits).
 */
const CALLS = 20;
const PARKS = 10;
const PARK_SECONDS = 60;
const PAGE_SECONDS = 60;
const SLACK_MS = 5000;

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));
const callers = range(2001, CALLS);
const callees = range(2101, CALLS);
const parkCallers = range(2201, PARKS);
const parkers = range(2301, PARKS);
const pagers = ['2401', '2402'];
const members = range(2411, 4);
const supervisors = ['2501', '2502'];
const ADMIN = { username: 'failover-admin', password: 'failover-admin-password-1', extension: '1000' };

let double: AriDouble;
let database: TestDatabase;
let redis: Redis;
let prefix: string;
let controllers: ControllerProcess[];
const phones: Record<string, SimPhone> = {};
const users: Record<string, Awaited<ReturnType<typeof insertUser>>> = {};

/** Logged in as `extension` on the controller at `base` (tokens are good on every instance: one database). */
const tokens = new Map<string, Record<string, string>>();
async function as(extension: string, base: string): Promise<ApiClient> {
  let headers = tokens.get(extension);
  if (!headers) {
    const user = users[extension]!;
    const reply = await apiClient(base).post('/api/auth/login', {
      username: user.username,
      password: user.password,
    });
    if (reply.status !== 200) throw new Error(`log-in ${user.username}: ${reply.status} ${reply.body}`);
    headers = { authorization: `Bearer ${reply.json<{ token: string }>().token}` };
    tokens.set(extension, headers);
  }
  return apiClient(base, headers);
}
const items = async <T>(base: string, url: string) => {
  const reply = await (await as(ADMIN.extension, base)).get(url);
  if (reply.status !== 200) throw new Error(`GET ${url}: ${reply.status} ${reply.body}`);
  return reply.json<{ items: T[] }>().items;
};
const role = async (c: ControllerProcess) => {
  const body = await fetch(`${c.url}/readyz`).then(
    (r) => r.json() as Promise<{ instance?: { role: string } }>,
  );
  return body.instance?.role;
};
const openCall = (extension: string) => phones[extension]!.calls.find((c) => c.state !== 'closed');

beforeAll(async () => {
  double = await startAriDouble({ username: 'ari', password: 'ari' });
  database = await createTestDatabase();
  redis = new Redis(redisUrl);
  prefix = `failover-${randomBytes(4).toString('hex')}:`;
  users[ADMIN.extension] = await insertUser(database.db, { role: 'admin', ...ADMIN });
  const plan: [string[], Role][] = [
    [[...callers, ...callees, ...parkCallers, ...parkers, ...pagers, ...members], 'agent'],
    [supervisors, 'admin'],
  ];
  for (const [extensions, r] of plan)
    for (const extension of extensions)
      users[extension] = await insertUser(database.db, { role: r, extension });
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    ARI_URL: double.url,
    JWT_SECRET: randomBytes(36).toString('base64'),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    PARK_TIMEOUT_SECONDS: String(PARK_SECONDS),
  };
  controllers = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    controllers.push(
      await controllerProcess({ ...env, HTTP_PORT: String(port), INSTANCE_URL: `http://127.0.0.1:${port}` }),
    );
  }
  await controllers[0]!.start();
  await controllers[0]!.ready();
  await controllers[1]!.start();
  await controllers[1]!.ready();
  for (const extension of Object.keys(users)) {
    if (extension === ADMIN.extension) continue;
    const answerMode = members.includes(extension) ? 'on-headers' : 'auto';
    phones[extension] = await until(`${extension} provisioned`, () =>
      double
        .registerPhone(extension, { password: users[extension]!.sip_password, answerMode })
        .catch(() => undefined),
    );
  }
}, 180_000);

afterAll(async () => {
  for (const c of controllers ?? []) await c.kill('SIGKILL');
  const keys = (await redis?.keys(`${prefix}*`)) ?? [];
  if (keys.length) await redis.del(...keys);
  redis?.disconnect();
  await double?.close();
  await database?.drop();
});

async function talking(from: string, to: string): Promise<{ outgoing: PhoneCall; incoming: PhoneCall }> {
  const outgoing = phones[from]!.dial(to);
  const incoming = await until(`${to} rung`, () => openCall(to));
  await until(
    `${from} and ${to} talking`,
    () => outgoing.state === 'established' && incoming.state === 'established',
  );
  return { outgoing, incoming };
}

describe('a standby takes over from a killed owner', () => {
  it('adopts 20 calls, 10 parks, 2 pages and 2 supervision sessions, and keeps every timer', async () => {
    const [owner, standby] = controllers as [ControllerProcess, ControllerProcess];
    expect(await role(owner)).toBe('owner');
    expect(await role(standby)).toBe('standby');

    // Set up through the standby's API: what needs the owner is forwarded there.
    const talks = [];
    for (let i = 0; i < CALLS; i++) talks.push(await talking(callers[i]!, callees[i]!));
    const parked: { caller: PhoneCall; slot: Slot }[] = [];
    for (let i = 0; i < PARKS; i++) {
      const { outgoing, incoming } = await talking(parkCallers[i]!, parkers[i]!);
      phones[parkers[i]!]!.sendDtmf('#72', incoming);
      const slot = await until(`${parkCallers[i]} parked`, async () =>
        (await items<Slot>(standby.url, '/api/parking/slots')).find(
          (s) => s.occupied && s.callerIdNumber === parkCallers[i],
        ),
      );
      await until('the parker released', () => incoming.state === 'closed');
      parked.push({ caller: outgoing, slot });
    }
    const admin = await as(ADMIN.extension, standby.url);
    const pages: Page[] = [];
    for (const [i, pager] of pagers.entries()) {
      const group = await admin.post('/api/paging/groups', {
        number: String(881 + i),
        name: `Failover floor ${i}`,
        members: members.slice(2 * i, 2 * i + 2),
        maxSeconds: PAGE_SECONDS,
        beep: false,
      });
      expect(group.status, group.body).toBe(201);
      const started = await admin.post('/api/paging/pages', {
        groupId: group.json<{ id: string }>().id,
        fromExtension: pager,
      });
      expect(started.status, started.body).toBe(201);
      pages.push(started.json<Page>());
    }
    await until('both pages connected', async () =>
      (await items<Page>(standby.url, '/api/paging/pages')).every((p) =>
        p.members.every((m) => m.status === 'connected'),
      ),
    );
    const sessions: Supervision[] = [];
    for (const [i, supervisor] of supervisors.entries()) {
      const started = await (
        await as(supervisor, standby.url)
      ).post('/api/supervision', {
        targetExtension: callers[i],
        supervisorExtension: supervisor,
        mode: 'monitor',
      });
      expect(started.status, started.body).toBe(201);
      sessions.push(started.json<Supervision>());
    }
    const supervisorCalls = await Promise.all(
      supervisors.map((s) =>
        until(`${s} hears both`, () => {
          const call = openCall(s);
          return call && phones[s]!.hears(call).length === 2 ? call : undefined;
        }),
      ),
    );
    // A hot desk session (PostgreSQL) and a WebSocket client of the standby, both to outlive the owner.
    const desk = await admin.post('/api/devices', {
      id: 'fdesk',
      name: 'Failover desk',
      hotdesk: true,
      sipPassword: 'fdesk-secret-password',
    });
    expect(desk.status, desk.body).toBe(201);
    phones.fdesk = await until('the desk registered', () =>
      double
        .registerPhone('fdesk', { password: 'fdesk-secret-password', answerMode: 'auto' })
        .catch(() => undefined),
    );
    const deskLogin = await admin.post('/api/hotdesk/login', { deviceId: 'fdesk', extension: members[3] });
    expect(deskLogin.status, deskLogin.body).toBe(200);
    const ws = connectEvents(
      `ws://127.0.0.1:${standby.port}/api/events`,
      (await as(ADMIN.extension, standby.url)).headers,
    );
    await ws.next((m) => m.type === 'snapshot');
    const before = await items<Call>(owner.url, '/api/calls');

    // The owner dies, before any timer is due.
    const killedAt = Date.now();
    expect(killedAt).toBeLessThan(Math.min(...parked.map((p) => Date.parse(p.slot.timeoutAt!))) - 10_000);
    await owner.kill('SIGKILL');
    await until('the standby owns the ARI app', async () => (await role(standby)) === 'owner', 15_000);
    const tookOverMs = Date.now() - killedAt;
    await standby.ready();
    const adopted = await until('every call adopted', async () => {
      const now = await items<Call>(standby.url, '/api/calls');
      return now.length >= before.length ? now : undefined;
    });
    console.log(
      `failover: the standby owned the ARI app ${tookOverMs} ms after the kill; ${adopted.length} calls adopted`,
    );
    expect(tookOverMs).toBeLessThan(5000);
    expect(adopted.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
    expect(
      talks.every(
        ({ outgoing, incoming }) => outgoing.state === 'established' && incoming.state === 'established',
      ),
    ).toBe(true);
    const slots = (await items<Slot>(standby.url, '/api/parking/slots')).filter((s) => s.occupied);
    expect(slots.map((s) => [s.slot, s.timeoutAt]).sort()).toEqual(
      parked.map((p) => [p.slot.slot, p.slot.timeoutAt]).sort(),
    );
    expect((await items<Page>(standby.url, '/api/paging/pages')).map((p) => p.id).sort()).toEqual(
      pages.map((p) => p.id).sort(),
    );
    const live = await items<Supervision>(standby.url, '/api/supervision');
    expect(
      live
        .filter((s) => s.state === 'active')
        .map((s) => s.id)
        .sort(),
    ).toEqual(sessions.map((s) => s.id).sort());
    expect(supervisorCalls.every((call, i) => phones[supervisors[i]!]!.hears(call).length === 2)).toBe(true);
    expect(
      (await items<{ deviceId: string }>(standby.url, '/api/hotdesk/sessions')).map((d) => d.deviceId),
    ).toEqual(['fdesk']);

    // Timers kept: each park rings its parker back at its own deadline, each page ends at its maximum length.
    const recalls = parked.map(async ({ slot }, i) => {
      const parker = parkers[i]!;
      const call = await until(`${parker} rung back`, () => openCall(parker), PARK_SECONDS * 1000 + 30_000);
      return { at: Date.now(), deadline: Date.parse(slot.timeoutAt!), call };
    });
    const pageEnds = pages.map(async (page) => {
      await until(
        `page ${page.id} ended`,
        async () => !(await items<Page>(standby.url, '/api/paging/pages')).some((p) => p.id === page.id),
        PAGE_SECONDS * 1000 + 30_000,
      );
      return { at: Date.now(), deadline: Date.parse(page.startedAt) + PAGE_SECONDS * 1000 };
    });
    const fired = [...(await Promise.all(recalls)), ...(await Promise.all(pageEnds))];
    const lateness = fired.map(({ at, deadline }) => at - deadline);
    console.log(
      `failover: 10 park recalls and 2 page ends fired ${Math.min(...lateness)}..${Math.max(...lateness)} ms after their deadlines`,
    );
    for (const late of lateness) {
      expect(late).toBeGreaterThanOrEqual(-500);
      expect(late).toBeLessThanOrEqual(SLACK_MS);
    }

    // Everything ends cleanly on the new owner, and every call is logged once, closed.
    for (const phone of Object.values(phones))
      for (const call of phone.calls) if (call.state !== 'closed') phone.hangup(call);
    await until('no channel left', () => double.channels().length === 0, 30_000);
    // The standby's WebSocket client saw the adopted calls end, published by the new owner.
    await until('call.ended of every adopted call at the WebSocket client', () =>
      before.every((c) =>
        ws.messages.some((m) => m.type === 'call.ended' && (m.data as { id: string }).id === c.id),
      ),
    );
    ws.close();
    await until(
      'no live call',
      async () => (await items<Call>(standby.url, '/api/calls')).length === 0,
      30_000,
    );
    await until('every call log closed', async () => {
      const open = await database.db
        .selectFrom('call_logs')
        .select('call_id')
        .where((eb) => eb.or([eb('ended_at', 'is', null), eb('disposition', 'is', null)]))
        .execute();
      return open.length === 0;
    });
    for (const { id } of before) {
      const rows = await database.db
        .selectFrom('call_logs')
        .select('disposition')
        .where('call_id', '=', id)
        .execute();
      expect(rows, `call ${id}`).toHaveLength(1);
    }
  }, 240_000);
});
