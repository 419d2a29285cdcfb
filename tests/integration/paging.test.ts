import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';
import { redisUrl } from '../helpers/test-app.js';

/**
 * Paging through the ARI double, end to end: the API (and, below, dialling 8NN), the members' phones auto-answering
 * on the SPEC's headers, who hears whom in the page's bridge, and how a page ends.
 */

let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
type Client = Awaited<ReturnType<typeof clientFor>>;
let admin: Client;
const groups: Record<string, string> = {};
let zoneId = '';

beforeAll(async () => {
  t = await startTelephony();
  for (const ext of ['1001', '1002', '1003', '1004', '1005', '1006', '1007'])
    users[ext] = await t.addUser(ext === '1002' ? 'admin' : ext === '1001' ? 'supervisor' : 'agent', ext);
  await t.start();
  // Pagers answer their own phone; members' phones answer by themselves only when the INVITE asks them to.
  phones['1001'] = await t.phone('1001', 'auto');
  phones['1002'] = await t.phone('1002', 'auto');
  for (const ext of ['1003', '1004', '1005']) phones[ext] = await t.phone(ext, 'on-headers');
  phones['1006-web'] = await t.phone('1006-web', 'on-headers');
  // 1007 has no registered device.
  admin = await clientFor(t.app, users['1002']!);
  const group = async (key: string, body: Record<string, unknown>) => {
    const response = await admin.post('/api/paging/groups', body);
    expect(response.statusCode).toBe(201);
    groups[key] = response.json<{ id: string }>().id;
  };
  await group('sales', { number: '801', name: 'Sales', members: ['1003', '1004'] });
  await group('support', { number: '802', name: 'Support', members: ['1004', '1005'] });
  await group('all', { number: '803', name: 'All staff', everyone: true });
  await group('mixed', { number: '804', name: 'Mixed', members: ['1003', '1006', '1007'] });
  await group('force', { number: '805', name: 'Force', members: ['1003', '1004'], busyPolicy: 'force' });
  await group('fire', { number: '806', name: 'Fire', members: ['1003', '1005'], priority: 'emergency' });
  await group('short', { number: '807', name: 'Short', members: ['1003'], maxSeconds: 1, beep: false });
  const zone = await admin.post('/api/paging/zones', {
    number: '860',
    name: 'Floor',
    groupIds: [groups.sales, groups.support],
  });
  zoneId = zone.json<{ id: string }>().id;
});
afterAll(async () => t?.close());
/** A failed test leaves nothing behind: its pages end, its calls hang up. */
afterEach(async () => {
  for (const live of await livePages()) await admin.delete(`/api/paging/pages/${live.id}`);
  for (const phone of Object.values(phones))
    for (const call of phone.calls) if (call.state !== 'closed') phone.hangup(call);
});
beforeEach(async () => {
  await eventually(() => t.double.channels().length === 0, 4000, 'no channels left');
  await eventually(async () => (await livePages()).length === 0, 4000, 'no live page');
  for (const ext of ['1003', '1004', '1005'])
    await t.db.updateTable('users').set({ dnd: false }).where('extension', '=', ext).execute();
});

type Member = { extension: string; status: string; reason?: string };
type Page = {
  id: string;
  number: string;
  priority: string;
  phase: string;
  startedAt: string;
  endReason: string | null;
  members: Member[];
};

const livePages = async () => (await admin.get('/api/paging/pages')).json<{ items: Page[] }>().items;
const eventOf = (type: string, since: number, match: (e: AnyPbxEvent) => boolean = () => true) =>
  eventually(() => t.events.slice(since).find((e) => e.type === type && match(e)), 4000, type) as Promise<
    AnyPbxEvent & { data: Page & Record<string, unknown> }
  >;
const memberOf = (page: Page | undefined, extension: string) =>
  page?.members.find((m) => m.extension === extension);
const pageNow = async (id: string) => (await livePages()).find((p) => p.id === id);

/** The page's incoming call on a phone (the latest one). */
const incoming = (phone: string) =>
  eventually(
    () => phones[phone]!.calls.filter((c) => c.direction === 'incoming' && c.state !== 'closed').at(-1),
    3000,
    `${phone} paged`,
  );
const closed = (call: PhoneCall, ms = 1000) =>
  eventually(() => call.state === 'closed', ms, `call ${call.id} closed`);

/** Starts a page by the API and waits until every member it calls is connected (or has its final status). */
async function page(body: Record<string, unknown>, client: Client = admin) {
  const since = t.events.length;
  const response = await client.post('/api/paging/pages', body);
  expect(response.statusCode, response.body).toBe(201);
  const created = response.json<Page>();
  await eventOf('page.started', since, (e) => (e.data as Page).id === created.id);
  await eventually(
    async () => (await pageNow(created.id))?.members.every((m) => m.status !== 'calling'),
    3000,
    'every member reached or not',
  );
  return { ...(await pageNow(created.id))!, since };
}

async function endPage(id: string) {
  const response = await admin.delete(`/api/paging/pages/${id}`);
  expect(response.statusCode).toBe(204);
}

/** 1003 calls 1005 and 1005 answers: both are on a call. */
async function onACall() {
  const since = t.events.length;
  const out = phones['1003']!.dial('1005');
  const inc = await eventually(
    () => phones['1005']!.calls.find((c) => c.state === 'ringing'),
    3000,
    '1005 rings',
  );
  phones['1005']!.answer(inc);
  await eventOf('call.answered', since);
  return { out, inc };
}

describe('a group page', () => {
  it('calls every member with the auto-answer headers; they hear the pager, the pager hears nobody; DELETE ends every leg within 1 s', async () => {
    const p = await page({ groupId: groups.sales, fromExtension: '1001' });
    expect(p.members).toEqual([
      { extension: '1003', status: 'connected' },
      { extension: '1004', status: 'connected' },
    ]);
    const pager = phones['1001']!.calls.at(-1)!;
    const m3 = await incoming('1003');
    const m4 = await incoming('1004');
    expect(m3.headers['Call-Info']).toMatch(/^<sip:[^>]+>;answer-after=0$/);
    expect(m3.headers['Alert-Info']).toMatch(/^<http:\/\/[^>]+>;info=alert-autoanswer, Auto Answer$/);
    expect(m3.remote).toEqual({ name: 'Page 801: Test supervisor 1001', number: '1001' });
    await eventually(() => phones['1003']!.hears(m3).join() === '1001', 2000, '1003 hears 1001');
    expect(phones['1004']!.hears(m4)).toEqual(['1001']);
    expect(phones['1001']!.hears(pager)).toEqual([]);
    // Muted toward the bridge: members do not hear each other, and the pager hears none of them.
    expect(pager.headers['Call-Info']).toBeUndefined();

    const joined = t.events.slice(p.since).filter((e) => e.type === 'page.member-joined');
    expect(joined.map((e) => (e.data as { extension: string }).extension).sort()).toEqual(['1003', '1004']);

    const since = t.events.length;
    const started = Date.now();
    await endPage(p.id);
    await Promise.all([closed(m3), closed(m4), closed(pager)]);
    expect(Date.now() - started).toBeLessThan(1000);
    const ended = await eventOf('page.ended', since);
    expect(ended.data).toMatchObject({ id: p.id, phase: 'ended', endReason: 'stopped' });
    expect(await livePages()).toEqual([]);
  });

  it('a zone calls a member of two of its groups once', async () => {
    const p = await page({ zoneId, fromExtension: '1001' });
    expect(p.members.map((m) => [m.extension, m.status])).toEqual([
      ['1003', 'connected'],
      ['1004', 'connected'],
      ['1005', 'connected'],
    ]);
    expect(phones['1004']!.calls.filter((c) => c.state !== 'closed')).toHaveLength(1);
    await endPage(p.id);
  });

  it('all staff: every user with a registered device but the pager', async () => {
    const p = await page({ number: '803', fromExtension: '1001' });
    expect(p.members.map((m) => [m.extension, m.status])).toEqual([
      ['1001', 'skipped'],
      ['1002', 'connected'],
      ['1003', 'connected'],
      ['1004', 'connected'],
      ['1005', 'connected'],
      ['1006', 'connected'],
    ]);
    await endPage(p.id);
  });

  it('desk phone and webphone members in one page; an unregistered member fails and the page goes on', async () => {
    const p = await page({ groupId: groups.mixed, fromExtension: '1001' });
    expect(p.members).toEqual([
      { extension: '1003', status: 'connected' },
      { extension: '1006', status: 'connected' },
      { extension: '1007', status: 'failed', reason: 'unregistered' },
    ]);
    const web = await incoming('1006-web');
    await eventually(() => phones['1006-web']!.hears(web).join() === '1001', 2000, 'the webphone hears 1001');
    await endPage(p.id);
  });

  it('a member whose device is unregistered after the page was planned fails; the others are reached', async () => {
    const since = t.events.length;
    // 1004 unregisters between the page's lookup and its call: creating its leg fails (Allocation failed).
    const off = t.events.length;
    phones['1004']!.unregister();
    const response = await admin.post('/api/paging/pages', { groupId: groups.sales, fromExtension: '1001' });
    expect(response.statusCode).toBe(201);
    const started = await eventOf('page.started', since);
    await eventually(
      async () => memberOf(await pageNow(started.data.id), '1003')?.status === 'connected',
      3000,
      '1003',
    );
    expect(memberOf(await pageNow(started.data.id), '1004')).toMatchObject({ status: 'failed' });
    await endPage(started.data.id);
    phones['1004'] = await t.phone('1004', 'on-headers');
    expect(off).toBeLessThanOrEqual(t.events.length);
  });
});

describe('busy members', () => {
  it('a member on a call is skipped and keeps the call (skip and force alike)', async () => {
    const { out, inc } = await onACall();
    for (const groupId of [groups.sales, groups.force]) {
      const p = await page({ groupId, fromExtension: '1001' });
      expect(memberOf(p, '1003')).toEqual({ extension: '1003', status: 'skipped', reason: 'on-call' });
      expect(memberOf(p, '1004')).toMatchObject({ status: 'connected' });
      expect(out.state).toBe('established');
      expect(phones['1003']!.hears(out)).toEqual(['1005']);
      await endPage(p.id);
    }
    phones['1003']!.hangup(out);
    await closed(inc, 3000);
  });

  it('a member in DND is skipped; force and emergency call them anyway', async () => {
    await admin.put(`/api/users/${users['1004']!.id}/dnd`, { enabled: true });
    const skipped = await page({ groupId: groups.sales, fromExtension: '1001' });
    expect(memberOf(skipped, '1004')).toEqual({ extension: '1004', status: 'skipped', reason: 'dnd' });
    await endPage(skipped.id);
    const forced = await page({ groupId: groups.force, fromExtension: '1001' });
    expect(memberOf(forced, '1004')).toMatchObject({ status: 'connected' });
    await endPage(forced.id);
    const emergency = await page({ groupId: groups.sales, fromExtension: '1001', priority: 'emergency' });
    expect(emergency.priority).toBe('emergency');
    expect(memberOf(emergency, '1004')).toMatchObject({ status: 'connected' });
    await endPage(emergency.id);
  });

  it('a ringing member is skipped; force calls them', async () => {
    phones['1005']!.dial('1004');
    const ringing = await eventually(
      () => phones['1004']!.calls.find((c) => c.state === 'ringing'),
      3000,
      'ringing',
    );
    const skipped = await page({ groupId: groups.sales, fromExtension: '1001' });
    expect(memberOf(skipped, '1004')).toEqual({ extension: '1004', status: 'skipped', reason: 'ringing' });
    await endPage(skipped.id);
    const forced = await page({ groupId: groups.force, fromExtension: '1001' });
    expect(memberOf(forced, '1004')).toMatchObject({ status: 'connected' });
    await endPage(forced.id);
    phones['1005']!.hangup();
    await closed(ringing, 3000);
  });
});

describe('emergency', () => {
  it('takes a member out of a normal page into the emergency page; the normal page goes on; audited', async () => {
    const normal = await page({ groupId: groups.sales, fromExtension: '1001' });
    const m3 = await incoming('1003');
    const m4 = await incoming('1004');
    const fire = await page({ groupId: groups.fire, fromExtension: '1002' });
    expect(fire.members).toEqual([
      { extension: '1003', status: 'connected' },
      { extension: '1005', status: 'connected' },
    ]);
    await eventually(
      () => phones['1003']!.hears(m3).join() === '1002',
      2000,
      '1003 hears the emergency pager',
    );
    expect(phones['1004']!.hears(m4)).toEqual(['1001']);
    expect(m3.state).toBe('established');
    expect(phones['1003']!.calls.filter((c) => c.state !== 'closed')).toHaveLength(1);
    const stillNormal = await pageNow(normal.id);
    expect(memberOf(stillNormal, '1003')).toEqual({ extension: '1003', status: 'left', reason: 'preempted' });
    expect(memberOf(stillNormal, '1004')).toMatchObject({ status: 'connected' });

    await endPage(fire.id);
    await closed(m3);
    expect(m4.state).toBe('established');
    await endPage(normal.id);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target', '=', `page:${fire.id}`)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['page.emergency-started', 'page.emergency-ended']);
    expect(audit[1]!.details).toMatchObject({ members: [{ extension: '1003' }, { extension: '1005' }] });
  });
});

describe('emergency on a group being paged', () => {
  it('is not refused by the normal page of the same group: it takes every member over', async () => {
    const normal = await page({ groupId: groups.sales, fromExtension: '1001' });
    const m3 = await incoming('1003');
    const fire = await page({ groupId: groups.sales, fromExtension: '1002', priority: 'emergency' });
    expect(fire.members.map((m) => [m.extension, m.status])).toEqual([
      ['1003', 'connected'],
      ['1004', 'connected'],
    ]);
    await eventually(() => phones['1003']!.hears(m3).join() === '1002', 2000, '1003 hears the emergency');
    const again = await admin.post('/api/paging/pages', {
      groupId: groups.sales,
      fromExtension: '1002',
      priority: 'emergency',
    });
    expect(again.statusCode).toBe(409);
    await endPage(fire.id);
    await endPage(normal.id);
  });
});

describe('ending', () => {
  it('ends when the pager hangs up: every member leg within 1 s', async () => {
    const p = await page({ groupId: groups.sales, fromExtension: '1001' });
    const m3 = await incoming('1003');
    const m4 = await incoming('1004');
    const since = t.events.length;
    phones['1001']!.hangup();
    await Promise.all([closed(m3), closed(m4)]);
    const ended = await eventOf('page.ended', since);
    expect(ended.data).toMatchObject({ id: p.id, endReason: 'pager-hung-up' });
  });

  it('ends at maxSeconds', async () => {
    const since = t.events.length;
    const response = await admin.post('/api/paging/pages', { groupId: groups.short, fromExtension: '1001' });
    const created = response.json<Page>();
    const started = await eventOf('page.started', since, (e) => (e.data as Page).id === created.id);
    const ended = await eventOf('page.ended', since, (e) => (e.data as Page).id === created.id);
    expect(ended.data.endReason).toBe('max-length');
    const lasted = Date.parse(ended.at) - Date.parse(started.at);
    expect(lasted).toBeGreaterThanOrEqual(900);
    expect(lasted).toBeLessThan(2000);
  });

  it('a member hanging up early leaves only that member', async () => {
    const p = await page({ groupId: groups.sales, fromExtension: '1001' });
    const m3 = await incoming('1003');
    const m4 = await incoming('1004');
    phones['1003']!.hangup(m3);
    await eventually(async () => memberOf(await pageNow(p.id), '1003')?.status === 'left', 2000, '1003 left');
    expect(memberOf(await pageNow(p.id), '1003')).toEqual({
      extension: '1003',
      status: 'left',
      reason: 'hung-up',
    });
    expect(m4.state).toBe('established');
    expect((await pageNow(p.id))?.phase).toBe('live');
    await endPage(p.id);
  });
});

describe('one page per group', () => {
  it('two pages to one group at once: one starts, the other is 409 page-busy', async () => {
    const [a, b] = await Promise.all([
      admin.post('/api/paging/pages', { groupId: groups.sales, fromExtension: '1001' }),
      admin.post('/api/paging/pages', { groupId: groups.sales, fromExtension: '1002' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const refused = a.statusCode === 409 ? a : b;
    expect(refused.json().error.code).toBe('page-busy');
    const started = (a.statusCode === 201 ? a : b).json<Page>();
    // A zone holding that group is busy too.
    const zone = await admin.post('/api/paging/pages', { zoneId, fromExtension: '1002' });
    expect(zone.statusCode).toBe(409);
    await eventually(async () => (await pageNow(started.id))?.phase === 'live', 3000, 'live');
    await endPage(started.id);
  });
});

describe('bad requests', () => {
  it.each([
    ['no target', { fromExtension: '1001' }],
    [
      'two targets',
      { number: '801', groupId: '00000000-0000-4000-8000-000000000000', fromExtension: '1001' },
    ],
    ['a number outside 800-899', { number: '899x', fromExtension: '1001' }],
    ['a bad priority', { number: '801', fromExtension: '1001', priority: 'high' }],
    ['no pager', { number: '801' }],
    ['an unknown field', { number: '801', fromExtension: '1001', loud: true }],
  ])('%s: 400, nothing started', async (_what, body) => {
    const response = await admin.post('/api/paging/pages', body);
    expect(response.statusCode).toBe(400);
    expect(await livePages()).toEqual([]);
    expect(t.double.channels()).toEqual([]);
  });

  it('an unknown number is 404; an agent may page only groups they are in, from their own extension', async () => {
    expect((await admin.post('/api/paging/pages', { number: '899', fromExtension: '1001' })).statusCode).toBe(
      404,
    );
    const agent = await clientFor(t.app, users['1005']!);
    const notMine = await agent.post('/api/paging/pages', { groupId: groups.sales, fromExtension: '1005' });
    expect(notMine.statusCode).toBe(403);
    const asOther = await agent.post('/api/paging/pages', { groupId: groups.support, fromExtension: '1004' });
    expect(asOther.statusCode).toBe(403);
    expect(await livePages()).toEqual([]);
  });
});

describe('dialling a paging number', () => {
  it('1001 dials 801: its members hear 1001; a second pager gets busy (486); 1001 hangs up and the page ends', async () => {
    const since = t.events.length;
    const pagerCall = phones['1001']!.dial('801');
    const started = await eventOf('page.started', since);
    expect(started.data).toMatchObject({ number: '801', priority: 'normal', fromExtension: '1001' });
    const m3 = await incoming('1003');
    await eventually(() => phones['1003']!.hears(m3).join() === '1001', 2000, '1003 hears 1001');
    expect(pagerCall.state).toBe('established');

    const second = phones['1002']!.dial('801');
    await closed(second, 3000);
    expect(second.status).toBe(486);

    phones['1001']!.hangup(pagerCall);
    const ended = await eventOf('page.ended', since);
    expect(ended.data).toMatchObject({ id: started.data.id, endReason: 'pager-hung-up' });
    await closed(m3);
  });

  it("dialling an emergency group's number pages with emergency priority; an unused number is 404", async () => {
    const since = t.events.length;
    const pagerCall = phones['1001']!.dial('806');
    const started = await eventOf('page.started', since);
    expect(started.data).toMatchObject({ number: '806', priority: 'emergency' });
    phones['1001']!.hangup(pagerCall);
    await eventOf('page.ended', since);

    const nobody = phones['1001']!.dial('899');
    await closed(nobody, 3000);
    expect(nobody.status).toBe(404);
  });
});

describe('restarts', () => {
  it('a controller restart adopts a live page: its members stay, and it still ends', async () => {
    const p = await page({ groupId: groups.sales, fromExtension: '1001' });
    const m3 = await incoming('1003');
    await t.restartController();
    admin = await clientFor(t.app, users['1002']!);
    await eventually(async () => (await pageNow(p.id))?.phase === 'live', 3000, 'page adopted');
    expect(m3.state).toBe('established');
    expect(phones['1003']!.hears(m3)).toEqual(['1001']);
    await endPage(p.id);
    await closed(m3);
  });
});

describe('intercom (*80 + extension)', () => {
  it('1001 dials *801003: 1003 answers by itself, both hear each other; 1003 hangs up and it ends', async () => {
    const since = t.events.length;
    const out = phones['1001']!.dial('*801003');
    const inc = await incoming('1003');
    await eventually(() => inc.state === 'established', 3000, '1003 answered by itself');
    expect(inc.headers['Call-Info']).toMatch(/answer-after=0/);
    expect(inc.remote).toEqual({ name: 'Intercom: Test supervisor 1001', number: '1001' });
    await eventually(() => phones['1001']!.hears(out).join() === '1003', 2000, '1001 hears 1003');
    expect(phones['1003']!.hears(inc)).toEqual(['1001']);
    expect(await livePages()).toEqual([]);
    phones['1003']!.hangup(inc);
    await closed(out);
    expect(t.events.slice(since).filter((e) => e.type.startsWith('page.'))).toEqual([]);
  });

  it('a target on a call or in DND is refused with a prompt; an unknown extension is 404', async () => {
    const { out: busyCall, inc } = await onACall();
    const toBusy = phones['1004']!.dial('*801003');
    await closed(toBusy, 5000);
    expect(toBusy.prompts).toContain('sound:vm-isonphone');
    expect(busyCall.state).toBe('established');
    phones['1003']!.hangup(busyCall);
    await closed(inc, 3000);

    await admin.put(`/api/users/${users['1004']!.id}/dnd`, { enabled: true });
    const toDnd = phones['1001']!.dial('*801004');
    await closed(toDnd, 5000);
    expect(toDnd.prompts).toContain('sound:do-not-disturb');
    expect(phones['1004']!.calls.filter((c) => c.state !== 'closed')).toEqual([]);

    const nobody = phones['1001']!.dial('*809999');
    await closed(nobody, 3000);
    expect(nobody.status).toBe(404);
  });
});

describe('restarts without saved state', () => {
  it('a page bridge nobody knows (Redis lost) is ended cleanly on reconnect: its legs hung up, the bridge gone', async () => {
    const p = await page({ groupId: groups.sales, fromExtension: '1001' });
    const m3 = await incoming('1003');
    const redis = new Redis(redisUrl);
    const prefix = t.config.REDIS_PREFIX;
    await redis.del(`${prefix}pages`, `${prefix}pages:${p.id}`);
    redis.disconnect();
    await t.restartController();
    admin = await clientFor(t.app, users['1002']!);
    await closed(m3, 3000);
    await eventually(
      () => !t.double.bridges().some((b) => b.id === `page-${p.id}`),
      3000,
      'bridge destroyed',
    );
    expect(await livePages()).toEqual([]);
  });
});
