import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../controller/features/calls/call-view.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { apiClient, insertTeam, type ApiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login, redisUrl } from '../helpers/test-app.js';
import { Redis } from 'ioredis';

/**
 * Routing a customer's call (issue 13) on the ARI double: a carrier presents a call from trunk `trunk-<id>` to a DID;
 * the contact's assigned agents ring first, then the team; one agent per routed call; the fallbacks; contact-busy;
 * popups and call logs.
 */
let t: Telephony;
let carrier: SimPhone;
let admin: ApiClient;
let trunkId: string;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
const clients: Record<string, ApiClient> = {};
const agents = ['2001', '2002', '2003', '2004'];
const DID = '+15550001';
let routeId: string;
const contacts: Record<string, string> = {};


beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 2 } });
  const team = await insertTeam(t.db, 'Sales');
  for (const ext of [...agents, '2005']) users[ext] = await t.addUser('agent', ext);
  await t.db.updateTable('users').set({ team_id: team.id }).where('extension', 'in', agents).execute();
  const boss = await t.addUser('admin', '2009');
  await t.start();
  for (const ext of [...agents, '2005']) phones[ext] = await t.phone(ext, 'manual');
  admin = apiClient(t.app, await login(t.app, boss.username, boss.password));
  for (const ext of [...agents, '2005'])
    clients[ext] = apiClient(t.app, await login(t.app, users[ext]!.username, users[ext]!.password));
  // The carrier: an unregistered peer on 127.0.0.2, told from the phones by its address (the trunk's identify).
  const trunk = await admin.post('/api/trunks', { name: 'Carrier', host: '127.0.0.2', match: ['127.0.0.2'] });
  expect(trunk.statusCode).toBe(201);
  trunkId = trunk.json<{ id: string }>().id;
  carrier = t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
  const pushed = async () => (await t.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok;
  await eventually(pushed, 3000, 'the trunk pushed');
  const route = await admin.post('/api/inbound-routes', {
    did: '555-0001',
    teamId: team.id,
    assignedRingSeconds: 1,
    fallback: { kind: 'extension', target: '2005' },
  });
  expect(route.statusCode).toBe(201);
  expect(route.json()).toMatchObject({ did: '+15550001', assignedRingSeconds: 1 });
  routeId = route.json<{ id: string }>().id;
  const contact = async (name: string, number: string, assigned: string[]) => {
    const made = await admin.post('/api/contacts', { name, company: `${name} Ltd`, phoneNumbers: [number] });
    expect(made.statusCode).toBe(201);
    const id = made.json<{ id: string }>().id;
    for (const ext of assigned)
      expect((await admin.put(`/api/contacts/${id}/assignments/${users[ext]!.id}`, { active: true })).statusCode).toBe(200);
    return id;
  };
  contacts.alice = await contact('Alice', '+1 555 111 0001', ['2001']);
  contacts.bob = await contact('Bob', '+1 555 111 0002', ['2001', '2002']);
  contacts.carol = await contact('Carol', '+1 555 111 0003', []);
  for (const body of ['first call', 'wants a quote', 'called back', 'ordered 3'])
    await admin.post(`/api/contacts/${contacts.alice}/notes`, { body });
});
afterAll(async () => t?.close());

afterEach(async () => {
  for (const phone of [carrier, ...Object.values(phones)])
    for (const call of phone.calls) if (call.state !== 'closed') phone.hangup(call);
  await eventually(() => t.double.channels().length === 0, 4000, 'every channel gone');
  await t.app.server.inject({ method: 'GET', url: '/healthz' });
  for (const ext of [...agents, '2005']) await setDnd(ext, false);
});

const setDnd = async (ext: string, enabled: boolean) =>
  expect((await admin.put(`/api/users/${users[ext]!.id}/dnd`, { enabled })).statusCode).toBe(200);

const incoming = (ext: string) =>
  phones[ext]!.calls.filter((c) => c.direction === 'incoming' && c.state === 'ringing');
const ringingSet = () => agents.concat('2005').filter((ext) => incoming(ext).length > 0);
const callFrom = (number: string) => carrier.dial(DID, { name: 'Customer', number });
const established = (call: PhoneCall) => eventually(() => call.state === 'established', 3000, 'established');
const eventOf = (type: string, since: number, match: (v: CallView) => boolean = () => true) =>
  eventually(
    () => t.events.slice(since).find((e) => e.type === type && match(e.data as CallView))?.data as CallView,
    5000,
    type,
  );
const logOf = (callId: string) =>
  eventually(
    () =>
      t.db
        .selectFrom('call_logs')
        .selectAll()
        .where('call_id', '=', callId)
        .where('ended_at', 'is not', null)
        .executeTakeFirst(),
    5000,
    'closed call log',
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the assigned agent', () => {
  it('rings alone first, with the contact card in call.ringing; answering takes the call', async () => {
    const since = t.events.length;
    const call = callFrom('(555) 111-0001');
    await eventually(() => incoming('2001').length === 1, 2000, '2001 rings');
    await sleep(300);
    expect(ringingSet()).toEqual(['2001']);
    const ringing = await eventOf('call.ringing', since);
    expect(ringing.direction).toBe('inbound');
    expect(ringing.from.number).toBe('+15551110001');
    expect(ringing.contact).toMatchObject({
      id: contacts.alice,
      name: 'Alice',
      company: 'Alice Ltd',
      assignedAgents: [{ userId: users['2001']!.id, extension: '2001', displayName: users['2001']!.display_name }],
    });
    expect(ringing.contact!.latestNotes.map((n) => n.body)).toEqual(['ordered 3', 'called back', 'wants a quote']);
    expect(ringing.contact!.latestNotes[0]!.author).toBe('Test admin 2009');
    // The carrier hears ringing (180), it is not answered before an agent is.
    await eventually(() => call.state === 'early', 2000, 'carrier gets 180');
    phones['2001']!.answer();
    await established(call);
    const answered = await eventOf('call.answered', since);
    expect(answered.answeredBy).toMatchObject({ userId: users['2001']!.id, extension: '2001' });
    expect(answered.routing).toMatchObject({ did: DID, trunkId, path: ['assigned'] });
    expect(phones['2001']!.hears()).toContain(carrier.id);
    expect(call.state).toBe('established');
    carrier.hangup(call);
    const ended = await eventOf('call.ended', since);
    expect(ended.disposition).toBe('answered');
    const log = await logOf(ended.id);
    expect(log).toMatchObject({
      direction: 'inbound',
      from_number: '+15551110001',
      to_number: DID,
      did: DID,
      trunk_id: trunkId,
      contact_id: contacts.alice,
      answered_by_user_id: users['2001']!.id,
      rung_user_ids: [users['2001']!.id],
      routing_path: ['assigned'],
      disposition: 'answered',
    });
  });

  it('not answering: after assignedRingSeconds the team rings too, the assigned one still ringing; a team agent takes it', async () => {
    const since = t.events.length;
    const call = callFrom('+15551110001');
    await eventually(() => incoming('2001').length === 1, 2000, '2001 rings');
    await sleep(500);
    expect(ringingSet()).toEqual(['2001']);
    await eventually(() => ringingSet().length === 4, 2000, 'the team rings');
    expect(ringingSet()).toEqual(agents);
    phones['2003']!.answer();
    await established(call);
    await eventually(() => incoming('2001').length === 0, 2000, "2001's ringing stops");
    const lost = phones['2001']!.calls.at(-1)!;
    expect(lost.sipReason).toMatch(/answered_elsewhere|Call completed elsewhere/);
    // Every rung agent sees who took it (their popup closes); the API shows the call to a losing agent too.
    const answered = await eventOf('call.answered', since);
    expect(answered.answeredBy?.extension).toBe('2003');
    expect([...answered.rungUserIds].sort()).toEqual(agents.map((e) => users[e]!.id).sort());
    expect((await clients['2002']!.get(`/api/calls/${answered.id}`)).statusCode).toBe(200);
    carrier.hangup(call);
    const log = await logOf(answered.id);
    expect(log.routing_path).toEqual(['assigned', 'team']);
    expect(log.answered_by_user_id).toBe(users['2003']!.id);
    expect(log.rung_user_ids).toHaveLength(4);
  });

  it('on a call already: is not rung, the team rings at once', async () => {
    const busy = phones['2001']!.dial('2005');
    await eventually(() => incoming('2005').length === 1, 2000, '2005 rings');
    phones['2005']!.answer();
    await established(busy);
    const call = callFrom('+15551110001');
    await eventually(() => ringingSet().length === 3, 2000, 'the rest of the team rings');
    expect(ringingSet()).toEqual(['2002', '2003', '2004']);
    expect(incoming('2001')).toEqual([]);
    carrier.hangup(call);
  });
});

describe('the team step rechecks presence', () => {
  it('an agent in DND at the start who turned it off rings at the team step; one who turned it on does not', async () => {
    await setDnd('2002', true);
    const call = callFrom('+15551110001');
    await eventually(() => incoming('2001').length === 1, 2000, '2001 rings');
    await setDnd('2002', false);
    await setDnd('2003', true);
    await eventually(() => ringingSet().length === 3, 2000, 'the team rings');
    await sleep(200);
    expect(ringingSet()).toEqual(['2001', '2002', '2004']);
    carrier.hangup(call);
  });
});

describe('a contact assigned to two agents', () => {
  it('rings both, not the others; after the timeout every team agent', async () => {
    const call = callFrom('+15551110002');
    await eventually(() => ringingSet().length === 2, 2000, 'both assigned ring');
    await sleep(400);
    expect(ringingSet()).toEqual(['2001', '2002']);
    await eventually(() => ringingSet().length === 4, 2000, 'the team rings');
    carrier.hangup(call);
  });
});

describe('unknown callers and unassigned contacts', () => {
  it('ring every available team agent at once; DND agents never', async () => {
    await setDnd('2004', true);
    const since = t.events.length;
    const call = callFrom('+15559998888');
    await eventually(() => ringingSet().length === 3, 2000, 'the team rings');
    expect(ringingSet()).toEqual(['2001', '2002', '2003']);
    const ringing = await eventOf('call.ringing', since);
    expect(ringing.contact).toBeNull();
    carrier.hangup(call);
    const unassigned = callFrom('+15551110003');
    await eventually(() => ringingSet().length === 3, 2000, 'the team rings for Carol');
    carrier.hangup(unassigned);
  });

  it('a DID with no route is 404', async () => {
    const call = carrier.dial('+15550009', { name: '', number: '+15551110001' });
    await eventually(() => call.state === 'closed', 2000, 'refused');
    expect(call.status).toBe(404);
  });
});

describe('fallbacks', () => {
  it('nobody available at the start: the fallback extension rings at once', async () => {
    for (const ext of agents) await setDnd(ext, true);
    const since = t.events.length;
    const call = callFrom('+15551110001');
    await eventually(() => incoming('2005').length === 1, 1000, 'the fallback rings');
    expect(ringingSet()).toEqual(['2005']);
    phones['2005']!.answer();
    await established(call);
    carrier.hangup(call);
    const ended = await eventOf('call.ended', since);
    expect((await logOf(ended.id)).routing_path).toEqual(['fallback']);
  });

  it('nobody answers by the end of the plan: the fallback', async () => {
    const since = t.events.length;
    const call = callFrom('+15551110001');
    await eventually(() => ringingSet().length === 4, 2000, 'the team rings');
    await eventually(() => incoming('2005').length === 1, 4000, 'the fallback rings');
    expect(ringingSet()).toEqual(['2005']);
    carrier.hangup(call);
    const ended = await eventOf('call.ended', since);
    expect((await logOf(ended.id)).routing_path).toEqual(['assigned', 'team', 'fallback']);
  });

  it('external: out again through the trunk the call came in on, to the number (E.164)', async () => {
    expect(
      (await admin.patch(`/api/inbound-routes/${routeId}`, { fallback: { kind: 'external', target: '555 777 0000' } }))
        .json().fallback,
    ).toEqual({ kind: 'external', target: '+15557770000' });
    try {
      for (const ext of agents) await setDnd(ext, true);
      const since = t.events.length;
      const call = callFrom('+15551110001');
      const out = await carrier.waitForIncoming(2000);
      expect(out.requestUri).toBe('sip:+15557770000@127.0.0.2:5060');
      carrier.answer(out);
      await established(call);
      expect(out.state).toBe('established');
      carrier.hangup(call);
      const ended = await eventOf('call.ended', since);
      expect(ended.disposition).toBe('answered');
      expect((await logOf(ended.id)).routing_path).toEqual(['fallback']);
    } finally {
      await admin.patch(`/api/inbound-routes/${routeId}`, { fallback: { kind: 'extension', target: '2005' } });
    }
  });

  it('hangup: the caller is answered, hears the prompt and is hung up', async () => {
    expect(
      (await admin.patch(`/api/inbound-routes/${routeId}`, { fallback: { kind: 'hangup' } })).statusCode,
    ).toBe(200);
    try {
      for (const ext of agents) await setDnd(ext, true);
      const since = t.events.length;
      const call = callFrom('+15551110001');
      await eventually(() => call.state === 'closed', 3000, 'hung up after the prompt');
      expect(call.prompts).toEqual(['sound:vm-nobodyavail', 'sound:vm-goodbye']);
      expect(call.endedBy).toBe('remote');
      const ended = await eventOf('call.ended', since);
      expect(ended.disposition).toBe('unavailable');
    } finally {
      await admin.patch(`/api/inbound-routes/${routeId}`, { fallback: { kind: 'extension', target: '2005' } });
    }
  });
});

describe('one agent per routed call', () => {
  it('two customers at once with two available agents: each agent is rung by exactly one call', async () => {
    await setDnd('2003', true);
    await setDnd('2004', true);
    const first = callFrom('+15559990001');
    const second = callFrom('+15559990002');
    await eventually(() => ringingSet().length === 2, 2000, 'two agents ring');
    await sleep(300);
    expect(incoming('2001')).toHaveLength(1);
    expect(incoming('2002')).toHaveLength(1);
    const callers = new Set(['2001', '2002'].map((ext) => incoming(ext)[0]!.remote.number));
    expect(callers).toEqual(new Set(['+15559990001', '+15559990002']));
    carrier.hangup(first);
    carrier.hangup(second);
  });

  it('an agent ringing for a routed call is not rung for the next one; free again once it is answered elsewhere', async () => {
    for (const ext of ['2002', '2003', '2004']) await setDnd(ext, true);
    const first = callFrom('+15559990001');
    await eventually(() => incoming('2001').length === 1, 2000, '2001 rings');
    const second = callFrom('+15559990002');
    // Nobody is free for the second: its fallback (2005) rings at once.
    await eventually(() => incoming('2005').length === 1, 2000, 'the fallback rings for the second');
    expect(incoming('2001')).toHaveLength(1);
    carrier.hangup(first);
    carrier.hangup(second);
  });
});

describe('contact-busy', () => {
  it('a click-to-call to a contact another agent talks to is 409 naming that agent', async () => {
    const call = callFrom('+15551110001');
    await eventually(() => incoming('2001').length === 1, 2000, '2001 rings');
    phones['2001']!.answer();
    await established(call);
    await eventually(async () => {
      const refused = await clients['2002']!.post('/api/calls', { to: '555-111-0001' });
      return refused.statusCode === 409 && refused.json().error.message.includes('2001') ? refused : undefined;
    }, 2000, 'refused naming 2001');
    const refused = await clients['2002']!.post('/api/calls', { to: '+15551110001' });
    expect(refused.json().error).toMatchObject({ code: 'contact-busy' });
    expect(refused.json().error.details).toMatchObject({
      contactId: contacts.alice,
      agent: { userId: users['2001']!.id, extension: '2001' },
    });
    carrier.hangup(call);
    await eventually(() => t.double.channels().length === 0, 3000, 'call gone');
    // Free once that call ended (released as call.ended is published: one Redis round trip later).
    const free = await eventually(async () => {
      const response = await clients['2002']!.post('/api/calls', { to: '+15551110001' });
      return response.statusCode === 201 ? response : undefined;
    }, 500, 'the contact free again');
    await clients['2002']!.delete(`/api/calls/${free.json<{ id: string }>().id}`);
  });

  it('two agents clicking at once for the same contact: exactly one wins', async () => {
    const [a, b] = await Promise.all([
      clients['2003']!.post('/api/calls', { to: '+15551110003' }),
      clients['2004']!.post('/api/calls', { to: '+1 (555) 111-0003' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const winner = a.statusCode === 201 ? a : b;
    const loser = a.statusCode === 201 ? b : a;
    const winnerExt = a.statusCode === 201 ? '2003' : '2004';
    expect(loser.json().error.code).toBe('contact-busy');
    expect(loser.json().error.details.agent.extension).toBe(winnerExt);
    await clients[winnerExt]!.delete(`/api/calls/${winner.json<{ id: string }>().id}`);
  });
});

describe('claims never outlive their calls', () => {
  it('a claim left by a controller that died (its call gone) is dropped on the next reconcile', async () => {
    const redis = new Redis(redisUrl);
    try {
      const prefix = t.config.REDIS_PREFIX;
      await redis.set(`${prefix}agent-claim:${users['2001']!.id}`, 'deadcall0001 ', 'PX', 60_000);
      await redis.set(`${prefix}contact-call:${contacts.carol}`, 'deadcall0002 null', 'PX', 60_000);
      // While it stands, the agent is not rung and the contact is busy.
      const first = callFrom('+15559990001');
      await eventually(() => ringingSet().length === 3, 2000, 'the team but 2001 rings');
      expect(ringingSet()).toEqual(['2002', '2003', '2004']);
      carrier.hangup(first);
      await eventually(() => t.double.channels().length === 0, 3000, 'call gone');
      expect((await clients['2002']!.post('/api/calls', { to: '+15551110003' })).statusCode).toBe(409);
      // …and a waiting mark of a dead call, which would keep half the team's agents from the next call.
      const teamId = (await admin.get(`/api/inbound-routes/${routeId}`)).json<{ teamId: string }>().teamId;
      await redis.zadd(`${prefix}routed-waiting:${teamId}`, Date.now() + 60_000, 'deadcall0003');
      await t.restartController();
      admin = apiClient(t.app, admin.headers);
      for (const ext of Object.keys(clients)) clients[ext] = apiClient(t.app, clients[ext]!.headers);
      await eventually(async () => !(await redis.exists(`${prefix}agent-claim:${users['2001']!.id}`)), 3000, 'dropped');
      expect(await redis.exists(`${prefix}contact-call:${contacts.carol}`)).toBe(0);
      expect(await redis.zrange(`${prefix}routed-waiting:${teamId}`, 0, -1)).toEqual([]);
      // The new controller's presence is recomputed from Asterisk on connect.
      const available = () => agents.every((ext) => t.app.presence.stateOf(users[ext]!.id) === 'available');
      await eventually(available, 3000, 'presence recomputed');
      const second = callFrom('+15559990001');
      await eventually(() => ringingSet().length === 4, 4000, 'the whole team rings');
      carrier.hangup(second);
    } finally {
      redis.disconnect();
    }
  });
});

describe('inbound routes API', () => {
  it('refuses a duplicate DID (any written form) with 409, a bad fallback with 400 naming it', async () => {
    const teamId = (await admin.get(`/api/inbound-routes/${routeId}`)).json<{ teamId: string }>().teamId;
    const dup = await admin.post('/api/inbound-routes', { did: '+1 555 0001', teamId, fallback: { kind: 'hangup' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('did-taken');
    const bad = await admin.post('/api/inbound-routes', {
      did: '+15550002',
      teamId,
      fallback: { kind: 'extension', target: '7777' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([{ path: 'fallback.target', message: 'nobody has extension 7777' }]);
    const noTeam = await admin.post('/api/inbound-routes', {
      did: '+15550002',
      teamId: randomUUID(),
      fallback: { kind: 'hangup' },
    });
    expect(noTeam.statusCode).toBe(404);
    expect((await clients['2001']!.get('/api/inbound-routes')).statusCode).toBe(403);
    const audit = await t.db.selectFrom('audit_log').select('action').where('target', '=', `inbound-route:${routeId}`).execute();
    expect(audit.map((a) => a.action)).toContain('inbound-route.created');
  });
});
