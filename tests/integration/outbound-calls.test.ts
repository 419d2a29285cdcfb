import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import type { ApiClient } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/**
 * Outside calls on the ARI double: a phone dials `9` + a national number (or `+…`, or an emergency number), and
 * the carrier at 127.0.0.2 (the trunk's host) receives an INVITE for the E.164 number showing the user's outbound
 * caller ID (else the trunk's); users without outbound permission are refused 403 except for emergency numbers; no
 * trunk is 503. Phone-number settings: NANP (country 1, national prefix 1, international 011).
 */
let t: Telephony;
let admin: ApiClient;
let carrier: SimPhone;
const phones: Record<string, SimPhone> = {};
const users: Record<string, TestUser> = {};
let trunkId: string;

const createTrunk = async () => {
  const created = await admin.post('/api/trunks', {
    name: 'Carrier',
    host: '127.0.0.2',
    match: ['127.0.0.2'],
    callerId: '+14155550100',
  });
  expect(created.statusCode, created.body).toBe(201);
  trunkId = created.json().id;
  await eventually(
    async () => (await t.connection.pbx.getSipObject('aor', `trunk-${trunkId}`)).ok,
    3000,
    'pushed',
  );
};

beforeAll(async () => {
  t = await startTelephony();
  for (const ext of ['1001', '1002', '1003'])
    users[ext] = await t.addUser(ext === '1001' ? 'admin' : 'agent', ext);
  await t.db
    .updateTable('users')
    .set({ outbound_caller_id: '+14155550111' })
    .where('extension', '=', '1001')
    .execute();
  await t.db.updateTable('users').set({ outbound_allowed: false }).where('extension', '=', '1002').execute();
  await t.start();
  for (const ext of ['1001', '1002', '1003']) phones[ext] = await t.phone(ext, 'manual');
  admin = await clientFor(t.app, users['1001']!);
  carrier = t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
  await createTrunk();
});
afterAll(async () => t?.close());

const incomingAt = (phone: SimPhone, seen: number) =>
  eventually(() => phone.calls.filter((c) => c.direction === 'incoming')[seen], 3000, `${phone.id} rung`);
const incomingCount = (phone: SimPhone) => phone.calls.filter((c) => c.direction === 'incoming').length;
const settle = () => eventually(() => t.double.channels().length === 0, 3000, 'every channel gone');

describe('dialling out', () => {
  it("9 + a national number rings the carrier for the E.164 number, with the user's caller ID; both talk; logged outbound", async () => {
    const seen = incomingCount(carrier);
    const since = t.events.length;
    const call = phones['1001']!.dial('94155550199');
    const invite = await incomingAt(carrier, seen);
    expect(invite.requestUri).toBe('sip:+14155550199@127.0.0.2:5060');
    expect(invite.remote.number).toBe('+14155550111');
    expect(invite.headers, 'no auto-answer header goes to a carrier').toEqual({});
    await eventually(() => call.state === 'early', 2000, 'the caller hears it ringing (180)');
    carrier.answer(invite);
    await eventually(() => call.state === 'established', 2000, 'answered');
    await eventually(
      () => phones['1001']!.hears(call).includes(carrier.id),
      2000,
      'the caller hears the carrier',
    );
    expect(carrier.hears(invite)).toContain('1001');
    const answered = await eventually(
      () => t.events.slice(since).find((e) => e.type === 'call.answered'),
      2000,
      'call.answered',
    );
    const callId = (answered?.data as { id: string }).id;
    phones['1001']!.hangup(call);
    await settle();
    // The log is written off the call's lock, in order: its end may land just after the channels went.
    const log = await eventually(
      async () => {
        const row = await t.db
          .selectFrom('call_logs')
          .selectAll()
          .where('call_id', '=', callId)
          .executeTakeFirst();
        return row?.disposition ? row : undefined;
      },
      2000,
      'the call log closed',
    );
    expect(log).toMatchObject({
      direction: 'outbound',
      from_number: '1001',
      to_number: '+14155550199',
      disposition: 'answered',
    });
  });

  it.each([
    ['+442079460958', '+442079460958', '1003', '+14155550100'],
    ['011442079460958', '+442079460958', '1003', '+14155550100'],
    ['14155550188', '+14155550188', '1003', '+14155550100'],
  ])("%s goes out as %s from %s showing %s (the trunk's caller ID)", async (dialled, e164, from, shown) => {
    const seen = incomingCount(carrier);
    const call = phones[from]!.dial(dialled);
    const invite = await incomingAt(carrier, seen);
    expect(invite.requestUri).toBe(`sip:${e164}@127.0.0.2:5060`);
    expect(invite.remote.number).toBe(shown);
    carrier.reject(486, invite);
    await eventually(() => call.state === 'closed', 2000, 'busy');
    expect(call.status).toBe(486);
    await settle();
  });

  it('a user without outbound permission is refused 403 and the carrier hears nothing', async () => {
    const seen = incomingCount(carrier);
    const call = phones['1002']!.dial('94155550199');
    await eventually(() => call.state === 'closed', 2000, 'refused');
    expect(call.status).toBe(403);
    await settle();
    expect(incomingCount(carrier)).toBe(seen);
  });

  it('an emergency number always goes out, also without outbound permission, as dialled', async () => {
    const seen = incomingCount(carrier);
    const call = phones['1002']!.dial('911');
    const invite = await incomingAt(carrier, seen);
    expect(invite.requestUri).toBe('sip:911@127.0.0.2:5060');
    expect(invite.remote.number).toBe('+14155550100');
    carrier.answer(invite);
    await eventually(() => call.state === 'established', 2000, 'answered');
    phones['1002']!.hangup(call);
    await settle();
  });
});

describe('from a hot desk: the logged-in user’s outbound permission and caller ID apply', () => {
  it('logged in as 1002 (no outbound permission) it is refused 403; as 1001 it goes out with 1001’s caller ID', async () => {
    const desk = await admin.post('/api/devices', {
      id: 'hd-out',
      name: 'Hot desk',
      hotdesk: true,
      sipPassword: 'hd-out-secret-pw',
    });
    expect(desk.statusCode, desk.body).toBe(201);
    const phone = await eventually(
      () =>
        t.double
          .registerPhone('hd-out', { password: 'hd-out-secret-pw', answerMode: 'manual' })
          .catch(() => undefined),
      3000,
      'hot desk registered',
    );
    const loginAs = async (extension: string) => {
      const since = t.events.length;
      const login = await admin.post('/api/hotdesk/login', { deviceId: 'hd-out', extension });
      expect(login.statusCode, login.body).toBe(200);
      await eventually(
        () => t.events.slice(since).some((e) => e.type === 'hotdesk.login'),
        2000,
        'logged in',
      );
    };
    await loginAs('1002');
    const seen = incomingCount(carrier);
    const refused = phone.dial('94155550199');
    await eventually(() => refused.state === 'closed', 2000, 'refused');
    expect(refused.status).toBe(403);
    expect(incomingCount(carrier)).toBe(seen);
    await loginAs('1001');
    const call = phone.dial('94155550199');
    const invite = await incomingAt(carrier, seen);
    expect(invite.remote.number).toBe('+14155550111');
    carrier.answer(invite);
    await eventually(() => call.state === 'established', 2000, 'answered');
    phone.hangup(call);
    await settle();
    await admin.post('/api/hotdesk/logout', { deviceId: 'hd-out' });
  });
});

describe('click to call an outside number', () => {
  it("rings the user's phone, then the carrier with the user's caller ID; without outbound permission 403", async () => {
    const seen = incomingCount(carrier);
    const clicked = await admin.post('/api/calls', { to: '+14155550199' });
    expect(clicked.statusCode, clicked.body).toBe(201);
    const own = await eventually(
      () => phones['1001']!.calls.find((c) => c.direction === 'incoming' && c.state !== 'closed'),
      3000,
      'own phone rung',
    );
    phones['1001']!.answer(own);
    const invite = await incomingAt(carrier, seen);
    expect(invite.requestUri).toBe('sip:+14155550199@127.0.0.2:5060');
    expect(invite.remote.number).toBe('+14155550111');
    carrier.answer(invite);
    await eventually(() => carrier.hears(invite).includes('1001'), 2000, 'the carrier hears 1001');
    phones['1001']!.hangup(own);
    await settle();
    const agent = await clientFor(t.app, users['1002']!);
    const refused = await agent.post('/api/calls', { to: '+14155550199' });
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'forbidden']);
    expect(incomingCount(carrier)).toBe(seen + 1);
  });
});

describe('forwarding to an outside number', () => {
  it('is accepted once a trunk exists and rings the carrier for the E.164 number', async () => {
    const client = await clientFor(t.app, users['1003']!);
    const set = await client.put(`/api/users/${users['1003']!.id}/forwarding`, { always: '94155550177' });
    expect(set.statusCode, set.body).toBe(200);
    const seen = incomingCount(carrier);
    const call = phones['1001']!.dial('1003');
    const invite = await incomingAt(carrier, seen);
    expect(invite.requestUri).toBe('sip:+14155550177@127.0.0.2:5060');
    expect(incomingCount(phones['1003']!)).toBe(0);
    carrier.answer(invite);
    await eventually(() => call.state === 'established', 2000, 'answered by the outside number');
    phones['1001']!.hangup(call);
    await settle();
    await client.put(`/api/users/${users['1003']!.id}/forwarding`, { always: null });
  });

  it('is refused for a user without outbound permission (400, nothing saved)', async () => {
    const client = await clientFor(t.app, users['1002']!);
    const set = await client.put(`/api/users/${users['1002']!.id}/forwarding`, { always: '94155550177' });
    expect(set.statusCode).toBe(400);
    expect(set.json().error.message).toContain('may not call outside numbers');
    const row = await t.db
      .selectFrom('users')
      .select('forward_always')
      .where('extension', '=', '1002')
      .executeTakeFirstOrThrow();
    expect(row.forward_always).toBeNull();
  });
});

describe('without a trunk', () => {
  it('dialling out is 503 and forwarding outside is 400 no-trunk', async () => {
    expect((await admin.delete(`/api/trunks/${trunkId}`)).statusCode).toBe(204);
    await eventually(
      async () => !(await t.connection.pbx.getSipObject('endpoint', `trunk-${trunkId}`)).ok,
      3000,
      'removed',
    );
    const call = phones['1001']!.dial('94155550199');
    await eventually(() => call.state === 'closed', 2000, 'refused');
    expect(call.status).toBe(503);
    const client = await clientFor(t.app, users['1003']!);
    const set = await client.put(`/api/users/${users['1003']!.id}/forwarding`, { always: '94155550177' });
    expect([set.statusCode, set.json().error.code]).toEqual([400, 'no-trunk']);
    await createTrunk();
  });
});
