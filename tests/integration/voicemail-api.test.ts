import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavOf } from '../ari-double/recordings.js';
import { insertTeam, userWithClient } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** The voicemail API without Asterisk: mailbox settings, who reads and changes which messages, the audio. */
let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'vm-api-'));
type Someone = Awaited<ReturnType<typeof userWithClient>>;
let admin: Someone;
let supervisor: Someone;
let agent: Someone;
let teammate: Someone;
let otherSupervisor: Someone;
let otherAgent: Someone;
const events: { type: string; data: unknown }[] = [];

beforeAll(async () => {
  t = await createTestApp({ config: { VOICEMAIL_DIR: dir } });
  const team = await insertTeam(t.db);
  const other = await insertTeam(t.db);
  admin = await userWithClient(t.app, t.db, { role: 'admin' });
  supervisor = await userWithClient(t.app, t.db, { role: 'supervisor', teamId: team.id });
  agent = await userWithClient(t.app, t.db, { role: 'agent', teamId: team.id });
  teammate = await userWithClient(t.app, t.db, { role: 'agent', teamId: team.id });
  otherSupervisor = await userWithClient(t.app, t.db, { role: 'supervisor', teamId: other.id });
  otherAgent = await userWithClient(t.app, t.db, { role: 'agent', teamId: other.id });
  t.app.bus.subscribe((event) => events.push(event));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** A message in a user's mailbox with a real WAV file. */
async function message(owner: Someone, receivedAt = new Date(Date.now() - 1000 * seq++)): Promise<string> {
  const name = `vm-test-${seq++}-${Math.random().toString(36).slice(2)}`;
  const filePath = join(dir, `${name}.wav`);
  writeFileSync(filePath, wavOf(1500, [440]));
  const row = await t.db
    .insertInto('voicemail_messages')
    .values({
      mailbox_user_id: owner.user.id,
      from_number: '1999',
      from_name: 'Caller',
      to_number: owner.user.extension,
      call_id: null,
      received_at: receivedAt,
      duration_seconds: 2,
      recording_name: name,
      file_path: filePath,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const ids = (response: { json(): { items: { id: string }[] } }) => response.json().items.map((m) => m.id);

describe('mailbox settings', () => {
  it('are off by default; admins enable with a PIN (hashed, never returned); audited', async () => {
    const url = `/api/users/${agent.user.id}/voicemail`;
    expect((await agent.api.get(url)).json()).toEqual({
      userId: agent.user.id,
      extension: agent.user.extension,
      enabled: false,
      hasPin: false,
      greeting: 'standard',
      hasRecordedGreeting: false,
    });
    expect((await admin.api.put(url, { enabled: true })).statusCode).toBe(400);
    const put = await admin.api.put(url, { enabled: true, pin: '123456' });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ enabled: true, hasPin: true });
    expect(JSON.stringify(put.json())).not.toContain('123456');
    const row = await t.db
      .selectFrom('voicemail_boxes')
      .selectAll()
      .where('user_id', '=', agent.user.id)
      .executeTakeFirstOrThrow();
    expect(row.pin_hash).toMatch(/^scrypt\$/);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target', '=', `user:${agent.user.id}`)
      .where('action', '=', 'user.voicemail-changed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('123456');
    expect(events.some((e) => e.type === 'user.voicemail-changed')).toBe(true);
  });

  it('the user changes their own PIN but does not enable or disable; others may not; bad PINs are 400', async () => {
    const url = `/api/users/${agent.user.id}/voicemail`;
    expect((await agent.api.put(url, { enabled: true, pin: '9876' })).statusCode).toBe(200);
    const refused = await agent.api.put(url, { enabled: false });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await supervisor.api.put(url, { enabled: true, pin: '1111' })).statusCode).toBe(403);
    expect((await supervisor.api.get(url)).statusCode).toBe(200);
    expect((await otherAgent.api.get(url)).statusCode).toBe(403);
    for (const pin of ['123', '123456789', '12a4', '']) {
      const bad = await admin.api.put(url, { enabled: true, pin });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('validation-failed');
    }
    expect((await admin.api.put(url, { enabled: true, greeting: 'recorded' })).statusCode).toBe(400);
    expect((await agent.api.get(url)).json()).toMatchObject({ enabled: true, greeting: 'standard' });
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await admin.api.get(`/api/users/${ghost}/voicemail`)).statusCode).toBe(404);
  });
});

describe('messages', () => {
  it('are listed: agents their own, supervisors their team, admins all, newest first with a cursor', async () => {
    const older = await message(agent, new Date(Date.now() - 60_000));
    const newer = await message(agent, new Date(Date.now() - 30_000));
    const mate = await message(teammate, new Date(Date.now() - 45_000));
    const foreign = await message(otherAgent, new Date(Date.now() - 50_000));
    expect(ids(await agent.api.get('/api/voicemail'))).toEqual([newer, older]);
    expect(ids(await supervisor.api.get('/api/voicemail'))).toEqual([newer, mate, older]);
    expect(ids(await otherSupervisor.api.get('/api/voicemail'))).toEqual([foreign]);
    expect(ids(await admin.api.get('/api/voicemail'))).toEqual([newer, mate, foreign, older]);
    const first = (await supervisor.api.get('/api/voicemail?limit=2')).json();
    expect(first.items.map((m: { id: string }) => m.id)).toEqual([newer, mate]);
    const second = await supervisor.api.get(`/api/voicemail?limit=2&cursor=${first.nextCursor}`);
    expect(ids(second)).toEqual([older]);
    expect(second.json().nextCursor).toBeNull();
    expect((await agent.api.get('/api/voicemail?limit=0')).statusCode).toBe(400);
    expect((await agent.api.get('/api/voicemail?cursor=nonsense')).statusCode).toBe(400);
    // One mailbox of the readable ones (the webphone lists its user's own): never widens what one may read.
    expect(ids(await supervisor.api.get(`/api/voicemail?mailboxUserId=${teammate.user.id}`))).toEqual([mate]);
    expect(ids(await supervisor.api.get(`/api/voicemail?mailboxUserId=${otherAgent.user.id}`))).toEqual([]);
    expect((await agent.api.get('/api/voicemail?mailboxUserId=nope')).statusCode).toBe(400);
  });

  it('one message and its audio: 403 out of scope, 404 unknown; ranges are 206, a bad range 416', async () => {
    const id = await message(agent);
    const one = await supervisor.api.get(`/api/voicemail/${id}`);
    expect(one.json()).toMatchObject({
      id,
      from: '1999',
      fromName: 'Caller',
      to: agent.user.extension,
      heard: false,
    });
    expect(one.json()).not.toHaveProperty('filePath');
    expect((await otherSupervisor.api.get(`/api/voicemail/${id}`)).json().error.code).toBe('forbidden');
    expect((await otherAgent.api.get(`/api/voicemail/${id}/audio`)).statusCode).toBe(403);
    const ghost = '00000000-0000-4000-8000-000000000000';
    const missing = await agent.api.get(`/api/voicemail/${ghost}/audio`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('no-such-message');
    const audio = await supervisor.api.get(`/api/voicemail/${id}/audio`);
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.headers['accept-ranges']).toBe('bytes');
    expect(audio.rawPayload.length).toBe(44 + 1500 * 16);
    const inject = (range: string) =>
      t.app.server.inject({
        method: 'GET',
        url: `/api/voicemail/${id}/audio`,
        headers: { ...agent.api.headers, range },
      });
    const tail = await inject('bytes=-100');
    expect(tail.statusCode).toBe(206);
    expect(tail.headers['content-range']).toBe(
      `bytes ${audio.rawPayload.length - 100}-${audio.rawPayload.length - 1}/${audio.rawPayload.length}`,
    );
    expect(tail.rawPayload).toEqual(audio.rawPayload.subarray(-100));
    const bad = await inject(`bytes=${audio.rawPayload.length + 5}-`);
    expect(bad.statusCode).toBe(416);
    expect(bad.json().error.code).toBe('range-not-satisfiable');
  });

  it('PATCH heard and DELETE: the owner and admins; a supervisor is refused; the file goes; events', async () => {
    const id = await message(agent);
    const since = events.length;
    expect((await supervisor.api.patch(`/api/voicemail/${id}`, { heard: true })).statusCode).toBe(403);
    expect((await otherAgent.api.patch(`/api/voicemail/${id}`, { heard: true })).statusCode).toBe(403);
    expect((await agent.api.patch(`/api/voicemail/${id}`, { heard: 'yes' })).statusCode).toBe(400);
    const patched = await agent.api.patch(`/api/voicemail/${id}`, { heard: true });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().heard).toBe(true);
    const row = await t.db
      .selectFrom('voicemail_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect((await supervisor.api.delete(`/api/voicemail/${id}`)).statusCode).toBe(403);
    expect((await agent.api.delete(`/api/voicemail/${id}`)).statusCode).toBe(204);
    expect(existsSync(row.file_path)).toBe(false);
    expect((await agent.api.delete(`/api/voicemail/${id}`)).statusCode).toBe(404);
    expect((await admin.api.patch(`/api/voicemail/${id}`, { heard: false })).statusCode).toBe(404);
    const mine = events.slice(since).filter((e) => e.type.startsWith('voicemail.'));
    expect(mine.map((e) => e.type)).toEqual(['voicemail.updated', 'voicemail.deleted']);
    expect(mine[0]!.data).toMatchObject({
      id,
      heard: true,
      mailboxUserId: agent.user.id,
      teamId: agent.user.team_id,
    });
    const adminOwn = await message(agent);
    expect((await admin.api.delete(`/api/voicemail/${adminOwn}`)).statusCode).toBe(204);
  });
});
