import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { toneHzOf } from '../ari-double/recordings.js';
import { apiClient, type ApiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';
import { toneDb } from '../helpers/wav-tone.js';

/** Leaving messages on the ARI double: unanswered, busy and DND calls to a mailbox; hang-ups; the message lamp. */
let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
const clients: Record<string, ApiClient> = {};
let admin: ApiClient;
const dir = mkdtempSync(join(tmpdir(), 'vm-deposit-'));

beforeAll(async () => {
  t = await startTelephony({
    config: { DIAL_TIMEOUT_SECONDS: 5, VOICEMAIL_DIR: dir, VOICEMAIL_MAX_SECONDS: 5 },
  });
  for (const ext of ['1001', '1002', '1003', '1004', '1005']) users[ext] = await t.addUser('agent', ext);
  const boss = await t.addUser('admin', '1009');
  await t.start();
  phones['1001'] = await t.phone('1001');
  for (const ext of ['1002', '1003', '1004', '1005']) phones[ext] = await t.phone(ext, 'manual');
  admin = apiClient(t.app, await login(t.app, boss.username, boss.password));
  for (const ext of ['1002', '1004', '1005']) {
    const put = await admin.put(`/api/users/${users[ext]!.id}/voicemail`, { enabled: true, pin: '2468' });
    expect(put.statusCode).toBe(200);
    clients[ext] = apiClient(t.app, await login(t.app, users[ext]!.username, users[ext]!.password));
  }
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const greeting = (ext: string, state: 'vm-isunavail' | 'vm-isonphone') => [
  'sound:vm-theperson',
  ...[...ext].map((d) => `sound:digits/${d}`),
  `sound:${state}`,
  'sound:vm-intro',
  'sound:beep',
];
const closed = (call: PhoneCall, ms = 8000) =>
  eventually(() => call.state === 'closed', ms, `call to ${call.target} closed`);
const heardBeep = (call: PhoneCall) =>
  eventually(() => call.prompts.includes('sound:beep'), 8000, 'the beep');
const messagesOf = (ext: string) =>
  t.db.selectFrom('voicemail_messages').selectAll().where('mailbox_user_id', '=', users[ext]!.id).execute();
const logOf = (to: string) =>
  t.db
    .selectFrom('call_logs')
    .selectAll()
    .where('to_number', '=', to)
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
/** The call log is written off the call's lock: its last row may come a moment after the phone's answer. */
const dispositionIs = (to: string, disposition: string) =>
  eventually(
    async () => (await logOf(to))?.disposition === disposition,
    3000,
    `call log to ${to}: ${disposition}`,
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 1001 calls, waits for the beep, talks `ms`, presses # (or hangs up). */
async function leaveMessage(to: string, ms: number, end: 'hash' | 'hangup' = 'hash'): Promise<PhoneCall> {
  const call = phones['1001']!.dial(to);
  await heardBeep(call);
  await sleep(ms);
  if (end === 'hash') phones['1001']!.sendDtmf('#');
  else phones['1001']!.hangup();
  await closed(call);
  return call;
}

describe('a call nobody answers goes to the mailbox', () => {
  it('greeting, beep, the message kept with its WAV (the caller tone), the lamp lit, the call log says voicemail', async () => {
    const since = t.events.length;
    const call = await leaveMessage('1002', 1300);
    expect(call.prompts).toEqual([...greeting('1002', 'vm-isunavail'), 'sound:vm-goodbye']);
    expect(call.endedBy).toBe('remote');
    const [message] = await eventually(async () => {
      const rows = await messagesOf('1002');
      return rows.length === 1 ? rows : undefined;
    });
    expect(message).toMatchObject({ from_number: '1001', to_number: '1002', heard: false });
    expect(message!.duration_seconds).toBe(1);
    await dispositionIs('1002', 'voicemail');
    const created = t.events.slice(since).find((e) => e.type === 'voicemail.new');
    expect(created?.data).toMatchObject({
      id: message!.id,
      from: '1001',
      mailboxExtension: '1002',
      heard: false,
    });
    expect(t.double.mailboxes()).toContainEqual({ name: '1002@ari-pbx', newMessages: 1, oldMessages: 0 });
    await eventually(
      () => phones['1002']!.messageSummaries.at(-1)?.messagesWaiting === true,
      2000,
      'lamp on',
    );
    const listed = (await clients['1002']!.get('/api/voicemail')).json();
    expect(listed.items.map((m: { id: string }) => m.id)).toEqual([message!.id]);
    const audio = await clients['1002']!.get(`/api/voicemail/${message!.id}/audio`);
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(toneDb(audio.rawPayload, toneHzOf('1001'))).toBeGreaterThan(-1);
    expect(toneDb(audio.rawPayload, toneHzOf('1002'))).toBeLessThan(-30);
    const part = await t.app.server.inject({
      method: 'GET',
      url: `/api/voicemail/${message!.id}/audio`,
      headers: { ...clients['1002']!.headers, range: 'bytes=0-43' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-43/${audio.rawPayload.length}`);
    expect(part.rawPayload.toString('ascii', 0, 4)).toBe('RIFF');
  });

  it('a busy callee (486) and a callee in DND: "is on the phone"', async () => {
    const busy = phones['1001']!.dial('1004');
    await eventually(
      () => phones['1004']!.currentCall?.state === 'ringing' || phones['1004']!.currentCall,
      2000,
    );
    phones['1004']!.reject(486);
    await heardBeep(busy);
    await sleep(1100);
    phones['1001']!.sendDtmf('#');
    await closed(busy);
    expect(busy.prompts.slice(0, 8)).toEqual(greeting('1004', 'vm-isonphone'));
    expect(await eventually(async () => (await messagesOf('1004')).length === 1)).toBe(true);
    await dispositionIs('1004', 'voicemail');

    expect((await admin.put(`/api/users/${users['1005']!.id}/dnd`, { enabled: true })).statusCode).toBe(200);
    const dnd = await leaveMessage('1005', 1100);
    expect(dnd.prompts.slice(0, 8)).toEqual(greeting('1005', 'vm-isonphone'));
    expect(phones['1005']!.calls).toHaveLength(0);
    expect(await eventually(async () => (await messagesOf('1005')).length === 1)).toBe(true);
  });

  it('a user without a mailbox keeps busy and no answer', async () => {
    const busy = phones['1001']!.dial('1003');
    await eventually(() => phones['1003']!.currentCall, 2000, '1003 rung');
    phones['1003']!.reject(486);
    await closed(busy);
    expect(busy.status).toBe(486);
    expect(busy.prompts).toEqual([]);
    await dispositionIs('1003', 'busy');
  });

  it('the caller hanging up during the greeting leaves nothing; mid-message the message is kept', async () => {
    const before = (await messagesOf('1002')).length;
    const early = phones['1001']!.dial('1002');
    await eventually(() => early.prompts.includes('sound:vm-theperson'), 8000, 'greeting playing');
    phones['1001']!.hangup();
    await closed(early);
    await sleep(300);
    expect((await messagesOf('1002')).length).toBe(before);

    const call = await leaveMessage('1002', 1200, 'hangup');
    expect(call.endedBy).toBe('local');
    const rows = await eventually(async () => {
      const all = await messagesOf('1002');
      return all.length === before + 1 ? all : undefined;
    });
    expect(rows.at(-1)!.duration_seconds).toBe(1);
  });

  it('a message ends by itself at VOICEMAIL_MAX_SECONDS', async () => {
    const before = (await messagesOf('1004')).length;
    const call = phones['1001']!.dial('1004');
    await eventually(() => phones['1004']!.currentCall, 2000);
    phones['1004']!.reject(486);
    await heardBeep(call);
    await closed(call, 9000);
    expect(call.endedBy).toBe('remote');
    expect(call.prompts.at(-1)).toBe('sound:vm-goodbye');
    const rows = await eventually(async () => {
      const all = await messagesOf('1004');
      return all.length === before + 1 ? all : undefined;
    });
    expect(rows.at(-1)!.duration_seconds).toBe(5);
  }, 15_000);
});
