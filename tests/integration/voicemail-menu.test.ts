import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { hashSecret } from '../../controller/features/auth/password.js';
import { apiClient, type ApiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';

/** Listening on the phone (`*97`, `*98`) on the ARI double: the menu, PINs, and the lamp following heard and deleted. */
let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
let admin: ApiClient;
const dir = mkdtempSync(join(tmpdir(), 'vm-menu-'));

beforeAll(async () => {
  t = await startTelephony({ config: { VOICEMAIL_DIR: dir } });
  for (const ext of ['1001', '1002']) users[ext] = await t.addUser('agent', ext);
  const boss = await t.addUser('admin', '1009');
  await t.start();
  phones['1001'] = await t.phone('1001');
  phones['1002'] = await t.phone('1002', 'manual');
  admin = apiClient(t.app, await login(t.app, boss.username, boss.password));
  const id = users['1002']!.id;
  expect((await admin.put(`/api/users/${id}/voicemail`, { enabled: true, pin: '2468' })).statusCode).toBe(
    200,
  );
  // The hot desk log-in's PIN (the user's), apart from the mailbox's.
  await t.db
    .updateTable('users')
    .set({ pin_hash: await hashSecret('1357') })
    .where('id', '=', id)
    .execute();
  const desk = await admin.post('/api/devices', {
    id: 'desk1',
    name: 'Desk 1',
    hotdesk: true,
    sipPassword: 'desk1-secret-pw',
  });
  expect(desk.statusCode, desk.body).toBe(201);
  phones.desk1 = await eventually(
    () => t.double.registerPhone('desk1', { password: 'desk1-secret-pw' }).catch(() => undefined),
    3000,
    'desk1 registered',
  );
  // In DND every call to 1002 goes to its mailbox at once.
  expect((await admin.put(`/api/users/${id}/dnd`, { enabled: true })).statusCode).toBe(200);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const closed = (call: PhoneCall, ms = 8000) =>
  eventually(() => call.state === 'closed', ms, `${call.target} closed`);
const messages = () =>
  t.db
    .selectFrom('voicemail_messages')
    .selectAll()
    .where('mailbox_user_id', '=', users['1002']!.id)
    .orderBy('received_at')
    .execute();
const count = (call: PhoneCall, media: string) => call.prompts.filter((p) => p === media).length;
const heard = (call: PhoneCall, media: string, times = 1) =>
  eventually(() => count(call, media) >= times, 6000, `${media} heard ${times}x`);
const OPTIONS_END = 'sound:vm-savemessage';

async function leaveMessage(): Promise<void> {
  const before = (await messages()).length;
  const call = phones['1001']!.dial('1002');
  await eventually(() => call.prompts.includes('sound:beep'), 6000, 'beep');
  await sleep(1100);
  phones['1001']!.sendDtmf('#');
  await closed(call);
  await eventually(async () => (await messages()).length === before + 1, 3000, 'message kept');
}

describe('*97 on the own phone', () => {
  it('no mailbox: "no such mailbox", goodbye', async () => {
    const call = phones['1001']!.dial('*97');
    await closed(call);
    expect(call.prompts).toEqual(['sound:vm-nobox', 'sound:vm-goodbye']);
  });

  it('new messages first; 1 replays, 7 deletes, 9 saves, # next; the lamp follows', async () => {
    for (let i = 0; i < 3; i++) await leaveMessage();
    const [m1, m2, m3] = await messages();
    expect(t.double.mailboxes()).toContainEqual({ name: '1002@ari-pbx', newMessages: 3, oldMessages: 0 });
    const since = t.events.length;
    const call = phones['1002']!.dial('*97');
    await heard(call, `recording:vm-${m1!.id}`);
    expect(call.prompts.slice(0, 7)).toEqual([
      'sound:vm-youhave',
      'sound:digits/3',
      'sound:vm-INBOX',
      'sound:vm-messages',
      'sound:vm-first',
      'sound:vm-message',
      `recording:vm-${m1!.id}`,
    ]);
    await heard(call, OPTIONS_END);
    phones['1002']!.sendDtmf('1');
    await heard(call, `recording:vm-${m1!.id}`, 2);
    await heard(call, OPTIONS_END, 2);
    phones['1002']!.sendDtmf('7');
    await heard(call, 'sound:vm-deleted');
    await eventually(() => call.prompts.includes('sound:vm-next'), 3000, 'next message');
    phones['1002']!.sendDtmf('9');
    await heard(call, 'sound:vm-saved');
    await heard(call, `recording:vm-${m3!.id}`);
    phones['1002']!.sendDtmf('#');
    await closed(call);
    expect(call.prompts.slice(-3)).toEqual([`recording:vm-${m3!.id}`, 'sound:vm-nomore', 'sound:vm-goodbye']);
    expect(call.prompts).not.toContain(`recording:vm-${m2!.id}`);

    const left = await messages();
    expect(left.map((m) => [m.id, m.heard])).toEqual([
      [m2!.id, true],
      [m3!.id, true],
    ]);
    expect(existsSync(m1!.file_path)).toBe(false);
    expect(t.double.storedRecordings().map((r) => r.name)).not.toContain(`vm-${m1!.id}`);
    expect(t.double.mailboxes()).toContainEqual({ name: '1002@ari-pbx', newMessages: 0, oldMessages: 2 });
    await eventually(
      () => phones['1002']!.messageSummaries.at(-1)?.messagesWaiting === false,
      2000,
      'lamp off',
    );
    const types = t.events
      .slice(since)
      .map((e) => e.type)
      .filter((type) => type.startsWith('voicemail.'));
    expect(types).toEqual([
      'voicemail.updated',
      'voicemail.deleted',
      'voicemail.updated',
      'voicemail.updated',
    ]);
  }, 30_000);
});

describe('*97 on a hot desk logged in as the user', () => {
  it('asks the mailbox PIN (a shared phone): a wrong one is "incorrect", the right one opens the own mailbox', async () => {
    const login = await admin.post('/api/hotdesk/login', {
      deviceId: 'desk1',
      extension: '1002',
      pin: '1357',
    });
    expect(login.statusCode, login.body).toBe(200);
    const call = phones.desk1!.dial('*97');
    await heard(call, 'sound:vm-password');
    expect(call.prompts).not.toContain('sound:vm-login');
    phones.desk1!.sendDtmf('1357#');
    await heard(call, 'sound:vm-incorrect');
    await heard(call, 'sound:vm-password', 2);
    phones.desk1!.sendDtmf('2468#');
    await heard(call, 'sound:vm-messages');
    expect(call.prompts.slice(-4)).toEqual([
      'sound:vm-youhave',
      'sound:digits/2',
      'sound:vm-Old',
      'sound:vm-messages',
    ]);
    phones.desk1!.hangup();
    await closed(call);
    expect((await admin.post('/api/hotdesk/logout', { deviceId: 'desk1' })).statusCode).toBe(204);
  });
});

describe('*98 any mailbox', () => {
  it('a wrong PIN is "incorrect" and asked again; the right one opens the mailbox', async () => {
    const call = phones['1001']!.dial('*98');
    await heard(call, 'sound:vm-login');
    phones['1001']!.sendDtmf('1002#');
    await heard(call, 'sound:vm-password');
    phones['1001']!.sendDtmf('1111#');
    await heard(call, 'sound:vm-incorrect');
    await heard(call, 'sound:vm-login', 2);
    phones['1001']!.sendDtmf('1002#');
    await heard(call, 'sound:vm-password', 2);
    phones['1001']!.sendDtmf('2468#');
    await heard(call, 'sound:vm-messages');
    expect(call.prompts.slice(-4)).toEqual([
      'sound:vm-youhave',
      'sound:digits/2',
      'sound:vm-Old',
      'sound:vm-messages',
    ]);
    phones['1001']!.hangup();
    await closed(call);
  });

  it('three wrong tries: goodbye', async () => {
    const call = phones['1001']!.dial('*98');
    for (let i = 1; i <= 3; i++) {
      await heard(call, 'sound:vm-login', i);
      phones['1001']!.sendDtmf('1002#');
      await heard(call, 'sound:vm-password', i);
      phones['1001']!.sendDtmf('9999#');
      await heard(call, 'sound:vm-incorrect', i);
    }
    await closed(call);
    expect(call.prompts.at(-1)).toBe('sound:vm-goodbye');
    expect(call.prompts).not.toContain('sound:vm-youhave');
  });
});
