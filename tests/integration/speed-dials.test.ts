import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { hashSecret } from '../../controller/features/auth/password.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/** Speed dials (issue 11): `GET|PUT /api/users/{id}/speed-dials` and `*0N` on the phone, a hot desk included. */
let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
let admin: Awaited<ReturnType<typeof clientFor>>;
let agent: Awaited<ReturnType<typeof clientFor>>;

beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 2 } });
  for (const ext of ['1001', '1002', '1003']) users[ext] = await t.addUser('agent', ext);
  users['1008'] = await t.addUser('supervisor', '1008');
  users['1009'] = await t.addUser('admin', '1009');
  await t.db
    .updateTable('users')
    .set({ pin_hash: await hashSecret('2468') })
    .where('extension', '=', '1003')
    .execute();
  await t.start();
  admin = await clientFor(t.app, users['1009']!);
  agent = await clientFor(t.app, users['1001']!);
  phones['1001'] = await t.phone('1001');
  for (const ext of ['1002', '1003']) phones[ext] = await t.phone(ext, 'manual');
  const desk = await admin.post('/api/devices', {
    id: 'desk9',
    name: 'Desk 9',
    hotdesk: true,
    sipPassword: 'desk9-secret-pw',
  });
  expect(desk.statusCode, desk.body).toBe(201);
  phones.desk9 = await eventually(
    () => t.double.registerPhone('desk9', { password: 'desk9-secret-pw' }).catch(() => undefined),
    3000,
    'desk9 registered',
  );
});
afterAll(async () => t?.close());

const url = (ext: string) => `/api/users/${users[ext]!.id}/speed-dials`;
const closed = (call: PhoneCall) =>
  eventually(() => call.state === 'closed', 4000, `call ${call.target} closed`);

describe('the speed dials API', () => {
  it('a user replaces their own list, sorted by slot; audited and published', async () => {
    const since = t.events.length;
    const saved = await agent.put(url('1001'), {
      speedDials: [
        { slot: 2, number: '1002', label: 'Anna' },
        { slot: 0, number: '+4930123456' },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({
      userId: users['1001']!.id,
      extension: '1001',
      speedDials: [
        { slot: 0, number: '+4930123456', label: '' },
        { slot: 2, number: '1002', label: 'Anna' },
      ],
    });
    expect((await agent.get(url('1001'))).json()).toEqual(saved.json());
    const event = await eventually(
      () => t.events.slice(since).find((e) => e.type === 'user.speed-dials-changed'),
      2000,
      'event',
    );
    expect(event.data).toMatchObject({ userId: users['1001']!.id, speedDials: saved.json().speedDials });
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.speed-dials-changed')
      .execute();
    expect(audit.at(-1)).toMatchObject({ target: `user:${users['1001']!.id}` });
  });

  it.each([
    [{ speedDials: [{ slot: 1, number: '4444' }] }, 'no user has extension 4444'],
    [
      {
        speedDials: [
          { slot: 1, number: '1002' },
          { slot: 1, number: '1003' },
        ],
      },
      'slot 1 twice',
    ],
    [
      { speedDials: [{ slot: 1, number: '123456' }] },
      'is not an extension, a paging group or an outside number',
    ],
    [
      { speedDials: [{ slot: 1, number: '701' }] },
      'is not an extension, a paging group or an outside number',
    ],
  ])('%j is refused, naming the problem, and nothing changes', async (body, problem) => {
    const before = (await agent.get(url('1001'))).json();
    const refused = await agent.put(url('1001'), body);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('validation-failed');
    expect(refused.json().error.message).toContain(problem);
    expect((await agent.get(url('1001'))).json()).toEqual(before);
  });

  it.each([
    [{ speedDials: [{ slot: 10, number: '1002' }] }],
    [{ speedDials: [{ slot: 1, number: '*721002' }] }],
    [{ speedDials: [{ slot: 1, number: '1002', label: 'x'.repeat(41) }] }],
    [{ speedDials: [{ slot: 1, number: '1002', extra: true }] }],
  ])('%j fails validation', async (body) => {
    expect((await agent.put(url('1001'), body)).statusCode).toBe(400);
  });

  it("another agent may not read them; a supervisor reads but does not change them; an admin changes anyone's", async () => {
    const other = await clientFor(t.app, users['1002']!);
    expect((await other.get(url('1001'))).statusCode).toBe(403);
    const supervisor = await clientFor(t.app, users['1008']!);
    expect((await supervisor.put(url('1001'), { speedDials: [] })).statusCode).toBe(403);
    const byAdmin = await admin.put(url('1002'), { speedDials: [{ slot: 3, number: '1001' }] });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
  });
});

describe('*0N on the phone', () => {
  it("dials the user's number as if it had been dialled: 1002 rings showing 1001", async () => {
    await agent.put(url('1001'), { speedDials: [{ slot: 2, number: '1002' }] });
    const outgoing = phones['1001']!.dial('*02');
    const incoming = await phones['1002']!.waitForIncoming();
    expect(incoming.remote.number).toBe('1001');
    phones['1002']!.answer(incoming);
    await eventually(() => outgoing.state === 'established', 3000, 'caller connected');
    phones['1001']!.hangup(outgoing);
    await closed(incoming);
    // The log is written off the call's lock: wait for its closed row rather than read it at once.
    const log = await eventually(
      () =>
        t.db
          .selectFrom('call_logs')
          .selectAll()
          .where('ended_at', 'is not', null)
          .where('from_number', '=', '1001')
          .where('answered_by_extension', '=', '1002')
          .orderBy('started_at', 'desc')
          .executeTakeFirst(),
      3000,
      'the closed call log',
    );
    expect(log).toMatchObject({ from_number: '1001', to_number: '1002', answered_by_extension: '1002' });
  });

  it('a slot with nothing in it: pbx-invalid, and nobody rings', async () => {
    const call = phones['1001']!.dial('*07');
    await closed(call);
    expect(call.prompts).toEqual(['sound:pbx-invalid']);
    expect(phones['1002']!.calls.filter((c) => c.state !== 'closed')).toEqual([]);
  });

  it("a guest hot desk has no speed dials (refused like its other feature codes); logged in, it dials the logged-in user's", async () => {
    await admin.put(url('1003'), { speedDials: [{ slot: 1, number: '1002' }] });
    const guest = phones.desk9!.dial('*01');
    await closed(guest);
    expect(guest.status).toBe(403);
    const since = t.events.length;
    const login = await admin.post('/api/hotdesk/login', { deviceId: 'desk9', extension: '1003' });
    expect(login.statusCode, login.body).toBe(200);
    await eventually(() => t.events.slice(since).some((e) => e.type === 'hotdesk.login'), 2000, 'hotdesk.login');
    const outgoing = phones.desk9!.dial('*01');
    const incoming = await phones['1002']!.waitForIncoming();
    expect(incoming.remote.number).toBe('1003');
    phones['1002']!.hangup(incoming);
    await closed(outgoing);
    await admin.post('/api/hotdesk/logout', { deviceId: 'desk9' });
  });
});
