import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../controller/features/calls/call-view.js';
import type { RecordingEventData } from '../../controller/features/recording/recording.events.js';
import type { SimPhone } from '../ari-double/index.js';
import { toneHzOf } from '../ari-double/recordings.js';
import { apiClient, insertTeam, type ApiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';
import { toneDb } from '../helpers/wav-tone.js';
import { readWav, writeWav } from '../../controller/features/recording/wav.js';

/**
 * Call recording (issue 17) on the ARI double: `*1` and the API toggle a call's recording (segments of one WAV of the
 * bridge's mix), who may, a transfer (handoff) and a park during a recording, failures, annotations, the audio.
 */
let t: Telephony;
const dir = mkdtempSync(join(tmpdir(), 'recordings-'));
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
const api: Record<string, ApiClient> = {};

beforeAll(async () => {
  t = await startTelephony({ config: { RECORDINGS_DIR: dir } });
  const team = await insertTeam(t.db, 'Support');
  const other = await insertTeam(t.db, 'Sales');
  for (const ext of ['3001', '3002', '3003']) users[ext] = await t.addUser('agent', ext);
  users['3008'] = await t.addUser('supervisor', '3008');
  users['3009'] = await t.addUser('supervisor', '3009');
  users['3010'] = await t.addUser('admin', '3010');
  await t.db
    .updateTable('users')
    .set({ team_id: team.id })
    .where('extension', 'in', ['3001', '3002', '3008'])
    .execute();
  await t.db
    .updateTable('users')
    .set({ team_id: other.id })
    .where('extension', 'in', ['3003', '3009'])
    .execute();
  await t.start();
  for (const ext of ['3001', '3002', '3003']) phones[ext] = await t.phone(ext, 'auto');
  phones['3002-web'] = await t.phone('3002-web', 'manual');
  for (const [ext, user] of Object.entries(users))
    api[ext] = apiClient(t.app, await login(t.app, user.username, user.password));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  t.double.failRecordings(null);
  for (const phone of Object.values(phones))
    for (const call of phone.calls) if (call.state !== 'closed') phone.hangup(call);
  await eventually(() => t.double.channels().length === 0, 4000, 'every channel gone');
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 3001 calls `to`, answered: the call's id. */
async function talking(to = '3002'): Promise<string> {
  const since = t.events.length;
  phones['3001']!.dial(to);
  const answered = await eventually(
    () => t.events.slice(since).find((e) => e.type === 'call.answered')?.data as CallView | undefined,
    3000,
    'call.answered',
  );
  return answered.id;
}

const recordingEvent = (type: string, since: number, segment?: number) =>
  eventually(
    () =>
      t.events
        .slice(since)
        .find(
          (e) =>
            e.type === type && (segment === undefined || (e.data as RecordingEventData).segment === segment),
        )?.data as RecordingEventData | undefined,
    3000,
    type,
  );

/** The part of a recording's WAV that one segment holds, as a WAV of its own. */
function segmentOf(file: Buffer, offsetSeconds: number, durationSeconds: number): Buffer {
  const pcm = readWav(file)!;
  const bytes = (s: number) => Math.round(s * 8000) * 2;
  const data = pcm.data.subarray(bytes(offsetSeconds), bytes(offsetSeconds + durationSeconds));
  return writeWav({ format: pcm.format, data });
}

const audioOf = async (client: ApiClient, id: string, range?: string) =>
  t.app.server.inject({
    method: 'GET',
    url: `/api/recordings/${id}/audio`,
    headers: { ...client.headers, ...(range ? { range } : {}) },
  });

describe('on demand', () => {
  it('*1 toggles, then the API starts and stops again: one recording, two segments in one WAV of both parties', async () => {
    const callId = await talking();
    const since = t.events.length;
    phones['3001']!.sendDtmf('*1');
    const started = await recordingEvent('recording.started', since, 1);
    expect(started.recording).toMatchObject({ callId, state: 'recording', startedVia: 'phone' });
    expect(started.recording.startedByUserId).toBe(users['3001']!.id);
    await sleep(400);
    phones['3002']!.sendDtmf('*1');
    const first = await recordingEvent('recording.stopped', since, 1);
    expect(first.recording.state).toBe('stopped');
    expect(first.recording.segments[0]).toMatchObject({ seq: 1, state: 'saved', offsetSeconds: 0 });
    expect(phones['3001']!.calls.at(-1)!.prompts).toContain('sound:beep');

    const start = await api['3002']!.post(`/api/calls/${callId}/recording`, { action: 'start' });
    expect(start.statusCode, start.body).toBe(200);
    expect(start.json()).toMatchObject({
      state: 'recording',
      segments: [{ seq: 1 }, { seq: 2, state: 'recording' }],
    });
    const again = await api['3002']!.post(`/api/calls/${callId}/recording`, { action: 'start' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'recording-active']);
    await recordingEvent('recording.started', since, 2);
    await sleep(300);
    expect((await api['3008']!.post(`/api/calls/${callId}/recording`, { action: 'stop' })).statusCode).toBe(
      200,
    );
    const second = await recordingEvent('recording.stopped', since, 2);
    const stopAgain = await api['3002']!.post(`/api/calls/${callId}/recording`, { action: 'stop' });
    expect([stopAgain.statusCode, stopAgain.json().error.code]).toEqual([409, 'recording-not-active']);

    const recording = second.recording;
    expect(recording.segments.map((s) => s.state)).toEqual(['saved', 'saved']);
    expect(recording.segments[1]!.offsetSeconds).toBeCloseTo(recording.segments[0]!.durationSeconds!, 2);
    expect(recording.durationSeconds).toBeGreaterThan(0.6);
    // Asterisk's stored copies were fetched and deleted.
    expect(t.double.storedRecordings().filter((r) => r.name.startsWith(`call-${callId}`))).toEqual([]);
    const audio = await audioOf(api['3001']!, recording.id);
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.rawPayload.length).toBe(recording.sizeBytes);
    // Each segment on its own (each began its sines afresh: measured across the join, they would interfere).
    for (const segment of recording.segments) {
      const part = segmentOf(audio.rawPayload, segment.offsetSeconds!, segment.durationSeconds!);
      expect(toneDb(part, toneHzOf('3001'))).toBeGreaterThan(-6);
      expect(toneDb(part, toneHzOf('3002'))).toBeGreaterThan(-6);
      expect(toneDb(part, toneHzOf('3003'))).toBeLessThan(-30);
    }

    const partial = await audioOf(api['3008']!, recording.id, 'bytes=44-143');
    expect([partial.statusCode, partial.headers['content-range'], partial.rawPayload.length]).toEqual([
      206,
      `bytes 44-143/${recording.sizeBytes}`,
      100,
    ]);
    expect((await audioOf(api['3008']!, recording.id, `bytes=${recording.sizeBytes}-`)).statusCode).toBe(416);
    const audits = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id'])
      .where('target', '=', `recording:${recording.id}`)
      .orderBy('id')
      .execute();
    expect(audits.map((a) => a.action)).toEqual([
      'recording.started',
      'recording.stopped',
      'recording.started',
      'recording.stopped',
      'recording.downloaded',
    ]);
    expect(audits.map((a) => a.actor_user_id)).toEqual([
      users['3001']!.id,
      users['3002']!.id,
      users['3002']!.id,
      users['3008']!.id,
      users['3001']!.id,
    ]);

    phones['3001']!.hangup();
    await eventually(async () => {
      const logs = await api['3002']!.get('/api/call-logs');
      return logs.json().items.find((l: { callId: string }) => l.callId === callId)?.recording;
    }).then((listed) => expect(listed).toMatchObject({ id: recording.id, state: 'stopped', segments: 2 }));
  });

  it('is for the users on the call, their supervisor and admins; others 403 (audited), unknown calls 404', async () => {
    const callId = await talking();
    const url = `/api/calls/${callId}/recording`;
    for (const ext of ['3003', '3009']) {
      const refused = await api[ext]!.post(url, { action: 'start' });
      expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'forbidden']);
    }
    await eventually(async () => {
      const rows = await t.db
        .selectFrom('audit_log')
        .select('actor_user_id')
        .where('action', '=', 'access.refused')
        .execute();
      return rows.some((r) => r.actor_user_id === users['3009']!.id);
    });
    const missing = await api['3010']!.post('/api/calls/no-such-call/recording', { action: 'start' });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'no-such-call']);
    expect((await api['3010']!.post(url, { action: 'start' })).statusCode).toBe(200);
    const since = t.events.length;
    phones['3002']!.hangup();
    const stopped = await recordingEvent('recording.stopped', since);
    expect(stopped.recording).toMatchObject({ state: 'stopped', startedVia: 'api' });
    // The other team reads neither the recording nor its audio; the call's agents and supervisor do.
    const id = stopped.recording.id;
    expect((await api['3003']!.get(`/api/recordings/${id}`)).statusCode).toBe(403);
    expect((await api['3009']!.get(`/api/recordings/${id}/annotations`)).statusCode).toBe(403);
    expect((await audioOf(api['3009']!, id)).statusCode).toBe(403);
    expect((await api['3002']!.get(`/api/recordings/${id}`)).json()).toMatchObject({ id, callId });
    expect((await api['3010']!.get('/api/recordings/00000000-0000-4000-8000-000000000000')).statusCode).toBe(
      404,
    );
  });
});

describe('annotations', () => {
  it('supervisors note a recording at an offset; whoever reads it reads them in audio order', async () => {
    const callId = await talking();
    await api['3001']!.post(`/api/calls/${callId}/recording`, { action: 'start' });
    await sleep(300);
    const since = t.events.length;
    phones['3001']!.hangup();
    const { recording } = await recordingEvent('recording.stopped', since);
    const url = `/api/recordings/${recording.id}/annotations`;
    expect((await api['3001']!.post(url, { offsetSeconds: 0, text: 'mine' })).statusCode).toBe(403);
    expect((await api['3009']!.post(url, { offsetSeconds: 0, text: 'not my team' })).statusCode).toBe(403);
    const late = await api['3008']!.post(url, { offsetSeconds: 0.2, text: 'greeted the customer' });
    expect(late.statusCode, late.body).toBe(201);
    expect((await api['3010']!.post(url, { offsetSeconds: 0, text: 'start' })).statusCode).toBe(201);
    expect((await api['3008']!.post(url, { offsetSeconds: 500, text: 'beyond the end' })).statusCode).toBe(
      400,
    );
    expect((await api['3008']!.post(url, { offsetSeconds: -1, text: 'x' })).statusCode).toBe(400);
    const listed = await api['3002']!.get(url);
    expect(listed.json().items.map((a: { text: string }) => a.text)).toEqual([
      'start',
      'greeted the customer',
    ]);
    expect(listed.json().items[1]).toMatchObject({ authorUserId: users['3008']!.id, offsetSeconds: 0.2 });
  });
});

describe('transfers and parks during a recording', () => {
  it('a handoff to another device keeps recording the same bridge: the WAV holds the new device too', async () => {
    const callId = await talking();
    await api['3002']!.post(`/api/calls/${callId}/recording`, { action: 'start' });
    await sleep(300);
    const handoff = await api['3002']!.post(`/api/calls/${callId}/handoff`, { device: '3002-web' });
    expect(handoff.statusCode, handoff.body).toBe(202);
    const web = phones['3002-web']!;
    await eventually(() => web.calls.find((c) => c.state === 'ringing'), 3000, 'the webphone rings');
    web.answer();
    await eventually(() =>
      t.events.find((e) => e.type === 'call.handed-off' && (e.data as CallView).id === callId),
    );
    await sleep(300);
    const since = t.events.length;
    web.hangup();
    const { recording } = await recordingEvent('recording.stopped', since);
    expect(recording.segments).toHaveLength(1);
    const audio = (await audioOf(api['3002']!, recording.id)).rawPayload;
    for (const phone of ['3001', '3002', '3002-web'])
      expect(toneDb(audio, toneHzOf(phone))).toBeGreaterThan(-14);
    expect(toneDb(audio, toneHzOf('3003'))).toBeLessThan(-30);
  });

  it('#72 parks the other party: the recording ends with the call (saved); the parked caller is not recorded', async () => {
    const callId = await talking();
    await api['3001']!.post(`/api/calls/${callId}/recording`, { action: 'start' });
    await sleep(300);
    const since = t.events.length;
    phones['3002']!.sendDtmf('#72');
    const { recording } = await recordingEvent('recording.stopped', since);
    expect(recording).toMatchObject({ state: 'stopped', segments: [{ state: 'saved' }] });
    expect(t.double.liveRecordings()).toEqual([]);
  });

  it("a blind transfer ends the transferer's call: its recording is saved with both parties; the call that goes on is not recorded", async () => {
    const callId = await talking();
    await api['3001']!.post(`/api/calls/${callId}/recording`, { action: 'start' });
    await sleep(300);
    const since = t.events.length;
    phones['3001']!.transfer('3003', phones['3001']!.calls.at(-1));
    const { recording } = await recordingEvent('recording.stopped', since);
    expect(recording).toMatchObject({ callId, state: 'stopped', segments: [{ state: 'saved' }] });
    const next = await eventually(
      () =>
        t.events.slice(since).find((e) => e.type === 'call.answered' && (e.data as CallView).id !== callId)
          ?.data as CallView | undefined,
      3000,
      'the transferee talking with 3003',
    );
    const audio = (await audioOf(api['3001']!, recording.id)).rawPayload;
    expect(toneDb(audio, toneHzOf('3001'))).toBeGreaterThan(-14);
    expect(toneDb(audio, toneHzOf('3002'))).toBeGreaterThan(-14);
    await sleep(300);
    expect(t.double.liveRecordings()).toEqual([]);
    const status = await api['3002']!.post(`/api/calls/${next.id}/recording`, { action: 'stop' });
    expect([status.statusCode, status.json().error.code]).toEqual([409, 'recording-not-active']);
  });
});

describe('failures', () => {
  it('Asterisk refusing: 409 recording-failed, the call goes on, the recording is failed, /readyz shows it', async () => {
    const callId = await talking();
    t.double.failRecordings('refuse');
    const refused = await api['3001']!.post(`/api/calls/${callId}/recording`, { action: 'start' });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'recording-failed']);
    expect(phones['3001']!.calls.at(-1)!.state).toBe('established');
    const row = await t.db
      .selectFrom('call_recordings')
      .selectAll()
      .where('call_id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('failed');
    expect(row.failure).toMatch(/Asterisk refused/);
    const ready = await t.app.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json().alerts.recordings).toMatch(/failed/);
    expect(ready.statusCode).toBe(200);

    // A full disk on Asterisk's side: started, then RecordingFailed. Then it works again and the alert clears.
    t.double.failRecordings('fail');
    const since = t.events.length;
    expect((await api['3001']!.post(`/api/calls/${callId}/recording`, { action: 'start' })).statusCode).toBe(
      200,
    );
    const failed = await recordingEvent('recording.stopped', since);
    expect(failed.recording.state).toBe('failed');
    expect(failed.recording.segments.at(-1)).toMatchObject({
      state: 'failed',
      failure: expect.stringMatching(/Unable to write/),
    });
    t.double.failRecordings(null);
    expect((await api['3001']!.post(`/api/calls/${callId}/recording`, { action: 'start' })).statusCode).toBe(
      200,
    );
    await sleep(200);
    phones['3001']!.hangup();
    await eventually(async () => {
      const state = await t.db
        .selectFrom('call_recordings')
        .select('state')
        .where('call_id', '=', callId)
        .executeTakeFirst();
      return state?.state === 'stopped';
    });
    expect((await t.app.server.inject({ method: 'GET', url: '/readyz' })).json().alerts).toBeUndefined();
  });
});

describe('a controller away while a call ended (its call lost from Redis)', () => {
  it('on reconnect a segment Asterisk still records is stopped and saved; one Asterisk lost is failed', async () => {
    const pbx = t.connection.pbx;
    expect((await pbx.createBridge('lost-bridge', 'mixing', 'call-feedface0001')).ok).toBe(true);
    expect(
      (
        await pbx.recordBridge({
          bridgeId: 'lost-bridge',
          name: 'call-feedface0001-1',
          format: 'wav',
          maxDurationSeconds: 0,
          ifExists: 'fail',
        })
      ).ok,
    ).toBe(true);
    const insert = async (callId: string) => {
      const { id } = await t.db
        .insertInto('call_recordings')
        .values({
          call_id: callId,
          started_by_user_id: null,
          started_via: 'api',
          started_at: new Date(),
          state: 'recording',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('call_recording_segments')
        .values({
          recording_id: id,
          seq: 1,
          name: `call-${callId}-1`,
          started_by_user_id: null,
          started_at: new Date(),
          state: 'recording',
        })
        .execute();
    };
    await insert('feedface0001');
    await insert('feedface0002');
    await sleep(200);
    await t.restartController();
    const state = (callId: string) =>
      t.db
        .selectFrom('call_recordings')
        .select(['state', 'failure', 'duration_seconds'])
        .where('call_id', '=', callId)
        .executeTakeFirst();
    const saved = await eventually(
      async () => {
        const row = await state('feedface0001');
        return row?.state === 'stopped' ? row : undefined;
      },
      5000,
      'the lost segment saved',
    );
    expect(saved.duration_seconds).toBeGreaterThan(0.1);
    const lost = await eventually(
      async () => {
        const row = await state('feedface0002');
        return row?.state === 'failed' ? row : undefined;
      },
      5000,
      'the missing segment failed',
    );
    expect(lost.failure).toMatch(/no stored recording/);
    await pbx.destroyBridge('lost-bridge');
  });
});
