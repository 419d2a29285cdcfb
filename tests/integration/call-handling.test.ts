import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { apiClient, type ApiClient } from '../helpers/fixtures.js';
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
