import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { apiClient, insertTeam, type ApiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';

/** DND and forwarding on the ARI double: the phone codes, the API, and what callers get. */
let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
let admin: ApiClient;

beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 2 } });
  for (const ext of ['1001', '1002', '1003', '1004']) users[ext] = await t.addUser('agent', ext);
  const boss = await t.addUser('admin', '1009');
  await t.start();
  phones['1001'] = await t.phone('1001');
  for (const ext of ['1002', '1003', '1004']) phones[ext] = await t.phone(ext, 'manual');
  admin = apiClient(t.app, await login(t.app, boss.username, boss.password));
});
afterAll(async () => t?.close());

const closed = (call: PhoneCall, ms = 4000) => eventually(() => call.state === 'closed', ms, `call ${call.target} closed`);
const logOf = (callId: string) => t.db.selectFrom('call_logs').selectAll().where('call_id', '=', callId).executeTakeFirst();
const endedTo = (to: string, since: number) =>
  eventually(
    () => t.events.slice(since).find((e) => e.type === 'call.ended' && (e.data as { to: { number: string } }).to.number === to),
    5000,
    `call.ended to ${to}`,
  ).then((e) => e.data as { id: string; disposition: string });

/** Dials a code from a phone: answered, the prompt heard, hung up by the PBX. */
async function code(ext: string, dialled: string): Promise<PhoneCall> {
  const call = phones[ext]!.dial(dialled);
  await closed(call);
  expect(call.endedBy).toBe('remote');
  return call;
}

const dndOf = async (ext: string) =>
  (await t.db.selectFrom('users').select('dnd').where('extension', '=', ext).executeTakeFirstOrThrow()).dnd;
const put = (url: string, body: object) => admin.put(url, body);

describe('DND by phone: *78 on, *79 off, *76 toggles', () => {
  it('confirms each with stock sounds, changes the one flag, audits and publishes user.dnd-changed', async () => {
    const since = t.events.length;
    expect((await code('1002', '*78')).prompts).toEqual(['sound:do-not-disturb', 'sound:activated']);
    expect(await dndOf('1002')).toBe(true);
    expect((await code('1002', '*76')).prompts).toEqual(['sound:do-not-disturb', 'sound:de-activated']);
    expect(await dndOf('1002')).toBe(false);
    expect((await code('1002', '*76')).prompts).toEqual(['sound:do-not-disturb', 'sound:activated']);
    expect((await code('1002', '*79')).prompts).toEqual(['sound:do-not-disturb', 'sound:de-activated']);
    expect(await dndOf('1002')).toBe(false);
    const changes = t.events.slice(since).filter((e) => e.type === 'user.dnd-changed');
    expect(changes.map((e) => (e.data as { enabled: boolean }).enabled)).toEqual([true, false, true, false]);
    expect(changes[0]!.data).toMatchObject({ userId: users['1002']!.id, extension: '1002', by: 'phone' });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', `user:${users['1002']!.id}`)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['user.dnd-on', 'user.dnd-off', 'user.dnd-on', 'user.dnd-off']);
  });

  it('a caller of a user in DND gets busy (486) at once, no device rings; off again, it rings', async () => {
    await code('1003', '*78');
    const since = t.events.length;
    const call = phones['1001']!.dial('1003');
    await closed(call, 1000);
    expect(call.status).toBe(486);
    expect(phones['1003']!.calls.filter((c) => c.direction === 'incoming')).toEqual([]);
    const ended = await endedTo('1003', since);
    expect(ended.disposition).toBe('busy');
    expect(await logOf(ended.id)).toMatchObject({ disposition: 'busy', answered_at: null });
    await code('1003', '*79');
    const again = phones['1001']!.dial('1003');
    const incoming = await phones['1003']!.waitForIncoming();
    phones['1001']!.hangup(again);
    await closed(incoming);
  });

  it('DND set through the API is honoured the same way, and published', async () => {
    const since = t.events.length;
    expect((await put(`/api/users/${users['1004']!.id}/dnd`, { enabled: true })).statusCode).toBe(200);
    expect(t.events.slice(since).find((e) => e.type === 'user.dnd-changed')?.data).toMatchObject({ enabled: true, by: 'api' });
    const call = phones['1001']!.dial('1004');
    await closed(call, 1000);
    expect(call.status).toBe(486);
    await put(`/api/users/${users['1004']!.id}/dnd`, { enabled: false });
  });
});

const fwdUrl = (ext: string) => `/api/users/${users[ext]!.id}/forwarding`;
const clear = async () => {
  for (const ext of ['1002', '1003', '1004'])
    await put(fwdUrl(ext), { always: null, busy: null, noAnswer: null, noAnswerSeconds: null });
};

/** 1001 dials `to`; waits for the call at `rings` and returns both calls. */
async function ringsAt(to: string, rings: string) {
  const since = t.events.length;
  const outgoing = phones['1001']!.dial(to);
  const incoming = await phones[rings]!.waitForIncoming();
  return { since, outgoing, incoming };
}

describe('forwarding through the API', () => {
  it('the user sets their own, an admin anyone’s, a supervisor only reads; audited and published', async () => {
    const own = apiClient(t.app, await login(t.app, users['1002']!.username, users['1002']!.password));
    const since = t.events.length;
    const set = await own.put(fwdUrl('1002'), { always: '1003', noAnswerSeconds: 15 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({
      userId: users['1002']!.id,
      extension: '1002',
      always: '1003',
      busy: null,
      noAnswer: null,
      noAnswerSeconds: 15,
    });
    expect((await own.put(fwdUrl('1003'), { always: '1002' })).statusCode).toBe(403);
    expect((await admin.put(fwdUrl('1003'), { busy: '1004' })).json().busy).toBe('1004');
    expect((await own.get(fwdUrl('1002'))).json().always).toBe('1003');
    const changed = t.events.slice(since).filter((e) => e.type === 'user.forwarding-changed');
    expect(changed.map((e) => (e.data as { extension: string }).extension)).toEqual(['1002', '1003']);
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'user.forwarding-changed').execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    await clear();
  });

  it.each([
    [{ always: '1999' }, 400, 'validation-failed'],
    [{ busy: '+4930123456' }, 400, 'no-trunk'],
    [{ noAnswer: '915551234567' }, 400, 'no-trunk'],
    [{ always: 'abc' }, 400, 'validation-failed'],
    [{ noAnswerSeconds: -3 }, 400, 'validation-failed'],
    [{ noAnswerSeconds: 10_000 }, 400, 'validation-failed'],
    [{ always: '1003', extra: true }, 400, 'validation-failed'],
  ])('refuses %j with %i %s, changing nothing', async (body, status, codeName) => {
    const response = await put(fwdUrl('1002'), body);
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(codeName);
    expect((await admin.get(fwdUrl('1002'))).json()).toMatchObject({ always: null, busy: null, noAnswer: null });
  });
});

describe('forwarding by phone: *72<ext> on, *73 off', () => {
  it('confirms with the target read out, forwards calls, and *73 stops it', async () => {
    const on = await code('1002', '*721003');
    expect(on.prompts).toEqual([
      'sound:call-fwd-unconditional',
      'sound:is-set-to',
      'sound:digits/1',
      'sound:digits/0',
      'sound:digits/0',
      'sound:digits/3',
    ]);
    expect((await admin.get(fwdUrl('1002'))).json().always).toBe('1003');
    const { outgoing, incoming } = await ringsAt('1002', '1003');
    expect(phones['1002']!.calls.some((c) => c.direction === 'incoming' && c.state !== 'closed')).toBe(false);
    expect(incoming.remote.number).toBe('1001');
    phones['1001']!.hangup(outgoing);
    await closed(incoming);
    expect((await code('1002', '*73')).prompts).toEqual(['sound:call-fwd-unconditional', 'sound:de-activated']);
    expect((await admin.get(fwdUrl('1002'))).json().always).toBeNull();
  });

  it('a forward to a number nobody has is refused with a prompt and changes nothing', async () => {
    expect((await code('1002', '*721999')).prompts).toEqual(['sound:pbx-invalid']);
    expect((await code('1002', '*7215551234567')).prompts).toEqual(['sound:pbx-invalid']);
    expect((await admin.get(fwdUrl('1002'))).json().always).toBeNull();
  });
});

describe('forwarded calls', () => {
  it('unconditional: the target answers; the log shows the path and who answered', async () => {
    await put(fwdUrl('1002'), { always: '1003' });
    const { since, outgoing, incoming } = await ringsAt('1002', '1003');
    phones['1003']!.answer(incoming);
    await eventually(() => outgoing.state === 'established', 3000, 'caller connected');
    phones['1001']!.hangup(outgoing);
    const ended = await endedTo('1002', since);
    const log = await logOf(ended.id);
    expect(log).toMatchObject({ to_number: '1002', answered_by_extension: '1003', forward_path: ['1002', '1003'] });
    await clear();
  });

  it('on busy: the user rejects, the busy target rings', async () => {
    await put(fwdUrl('1002'), { busy: '1004' });
    const { since, outgoing, incoming } = await ringsAt('1002', '1002');
    phones['1002']!.reject(486, incoming);
    const forwarded = await phones['1004']!.waitForIncoming();
    phones['1004']!.answer(forwarded);
    await eventually(() => outgoing.state === 'established', 3000, 'caller connected');
    phones['1001']!.hangup(outgoing);
    const ended = await endedTo('1002', since);
    expect(await logOf(ended.id)).toMatchObject({ answered_by_extension: '1004', forward_path: ['1002', '1004'] });
    await clear();
  });

  it('DND with a busy forward: the busy target rings at once, the user’s phone never', async () => {
    await put(fwdUrl('1002'), { busy: '1004' });
    await put(`/api/users/${users['1002']!.id}/dnd`, { enabled: true });
    const before = phones['1002']!.calls.length;
    const { outgoing, incoming } = await ringsAt('1002', '1004');
    expect(phones['1002']!.calls.length).toBe(before);
    phones['1001']!.hangup(outgoing);
    await closed(incoming);
    await put(`/api/users/${users['1002']!.id}/dnd`, { enabled: false });
    await clear();
  });

  it('on no answer after noAnswerSeconds: the first device stops, the target rings', async () => {
    await put(fwdUrl('1002'), { noAnswer: '1003', noAnswerSeconds: 1 });
    const { since, outgoing, incoming } = await ringsAt('1002', '1002');
    const forwarded = await phones['1003']!.waitForIncoming();
    await closed(incoming, 1000);
    phones['1001']!.hangup(outgoing);
    await closed(forwarded);
    const ended = await endedTo('1002', since);
    expect(ended.disposition).toBe('cancelled');
    expect(await logOf(ended.id)).toMatchObject({ forward_path: ['1002', '1003'] });
    await clear();
  });

  it('no answer anywhere: every step done, the caller hears no answer like today', async () => {
    await put(fwdUrl('1002'), { noAnswer: '1003', noAnswerSeconds: 1 });
    const { since, outgoing } = await ringsAt('1002', '1002');
    await phones['1003']!.waitForIncoming();
    await closed(outgoing, 5000);
    expect(outgoing.status).toBe(480);
    expect((await endedTo('1002', since)).disposition).toBe('no-answer');
    await clear();
  });

  it.each([
    ['A → B → A rings B', { '1002': '1003', '1003': '1002' }, '1003', ['1002', '1003']],
    ['A → B → C → A rings C', { '1002': '1003', '1003': '1004', '1004': '1002' }, '1004', ['1002', '1003', '1004']],
    ['a forward to oneself rings oneself', { '1002': '1002' }, '1002', []],
  ])('loops end at the last distinct target: %s', async (_name, forwards, rings, path) => {
    for (const [from, to] of Object.entries(forwards)) await put(fwdUrl(from), { always: to });
    const { since, outgoing, incoming } = await ringsAt('1002', rings);
    phones['1001']!.hangup(outgoing);
    await closed(incoming);
    const ended = await endedTo('1002', since);
    expect((await logOf(ended.id))?.forward_path).toEqual(path);
    await clear();
  });

  it('a loop of conditional forwards ends after the last distinct target: no answer, never ringing forever', async () => {
    await put(fwdUrl('1002'), { noAnswer: '1003', noAnswerSeconds: 1 });
    await put(fwdUrl('1003'), { noAnswer: '1002', noAnswerSeconds: 1 });
    const { since, outgoing } = await ringsAt('1002', '1002');
    await phones['1003']!.waitForIncoming();
    await closed(outgoing, 5000);
    const ended = await endedTo('1002', since);
    expect(ended.disposition).toBe('no-answer');
    expect((await logOf(ended.id))?.forward_path).toEqual(['1002', '1003']);
    await clear();
  });
});

describe('directed pick-up: **<ext>', () => {
  beforeAll(async () => {
    const [a, b] = await Promise.all([insertTeam(t.db, 'Pick-up A'), insertTeam(t.db, 'Pick-up B')]);
    await t.db.updateTable('users').set({ team_id: a.id }).where('extension', 'in', ['1002', '1003']).execute();
    await t.db.updateTable('users').set({ team_id: b.id }).where('extension', '=', '1004').execute();
  });

  it('a phone of the same team takes the ringing call: the rung device stops (completed elsewhere), both talk', async () => {
    const { since, outgoing, incoming } = await ringsAt('1002', '1002');
    const picker = phones['1003']!.dial('**1002');
    await eventually(() => picker.state === 'established', 3000, 'picker connected');
    await eventually(() => outgoing.state === 'established', 3000, 'caller connected');
    await closed(incoming, 1000);
    expect(incoming.sipReason).toBe('SIP;cause=200;text="Call completed elsewhere"');
    const answered = await eventually(() => t.events.slice(since).find((e) => e.type === 'call.answered'), 3000, 'answered');
    expect((answered.data as { answeredBy: { extension: string } }).answeredBy.extension).toBe('1003');
    phones['1003']!.hangup(picker);
    await closed(outgoing);
    const ended = await endedTo('1002', since);
    expect(await logOf(ended.id)).toMatchObject({ disposition: 'answered', answered_by_extension: '1003' });
  });

  it('a phone of another team is refused with a prompt, and the call keeps ringing', async () => {
    const { outgoing, incoming } = await ringsAt('1002', '1002');
    const picker = await code('1004', '**1002');
    expect(picker.prompts).toEqual(['sound:im-sorry', 'sound:feature-not-avail-line']);
    expect(incoming.state).not.toBe('closed');
    phones['1001']!.hangup(outgoing);
    await closed(incoming);
  });

  it('nothing ringing there: a prompt says so', async () => {
    expect((await code('1003', '**1002')).prompts).toEqual(['sound:vm-nobodyavail']);
  });

  it('the caller hanging up before the pick-up: nothing to pick up', async () => {
    const { outgoing, incoming } = await ringsAt('1002', '1002');
    phones['1001']!.hangup(outgoing);
    await closed(incoming);
    expect((await code('1003', '**1002')).prompts).toEqual(['sound:vm-nobodyavail']);
  });
});
