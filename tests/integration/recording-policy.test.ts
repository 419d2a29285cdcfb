import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingRetention } from '../../controller/features/recording/recording-retention.js';
import type { CallView } from '../../controller/features/calls/call-view.js';
import type { RecordingEventData } from '../../controller/features/recording/recording.events.js';
import type { SimPhone } from '../ari-double/index.js';
import { toneHzOf, wavOf } from '../ari-double/recordings.js';
import { apiClient, insertTeam, type ApiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';
import { toneDb } from '../helpers/wav-tone.js';

/**
 * A team's recording policy (issue 17): every routed call of the team is announced into the bridge when the agent
 * answers (`conf-now-recording`, `beep`), then recorded; and the retention job.
 */
let t: Telephony;
const dir = mkdtempSync(join(tmpdir(), 'recording-policy-'));
let carrier: SimPhone;
let agentPhone: SimPhone;
let admin: ApiClient;
let supervisor: ApiClient;
let otherSupervisor: ApiClient;
let teamId: string;
let agent: TestUser;
const DID = '+15550042';

beforeAll(async () => {
  t = await startTelephony({ config: { RECORDINGS_DIR: dir, RECORDING_RETENTION_DAYS: 30 } });
  const team = await insertTeam(t.db, 'Care');
  const other = await insertTeam(t.db, 'Other');
  teamId = team.id;
  agent = await t.addUser('agent', '4001');
  const boss = await t.addUser('admin', '4009');
  const sup = await t.addUser('supervisor', '4008');
  const otherSup = await t.addUser('supervisor', '4007');
  await t.db
    .updateTable('users')
    .set({ team_id: team.id })
    .where('extension', 'in', ['4001', '4008'])
    .execute();
  await t.db.updateTable('users').set({ team_id: other.id }).where('extension', '=', '4007').execute();
  await t.start();
  agentPhone = await t.phone('4001', 'manual');
  admin = apiClient(t.app, await login(t.app, boss.username, boss.password));
  supervisor = apiClient(t.app, await login(t.app, sup.username, sup.password));
  otherSupervisor = apiClient(t.app, await login(t.app, otherSup.username, otherSup.password));
  const trunk = await admin.post('/api/trunks', { name: 'Carrier', host: '127.0.0.2', match: ['127.0.0.2'] });
  const trunkId = trunk.json<{ id: string }>().id;
  carrier = t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
  await eventually(async () => (await t.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok);
  const route = await admin.post('/api/inbound-routes', { did: DID, teamId, fallback: { kind: 'hangup' } });
  expect(route.statusCode, route.body).toBe(201);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const policyUrl = () => `/api/teams/${teamId}/recording-policy`;

describe('the policy API', () => {
  it('is off by default; admins set it (audited), the team supervisor reads it, another supervisor does not', async () => {
    expect((await supervisor.get(policyUrl())).json()).toEqual({
      teamId,
      recordRoutedCalls: false,
      announcement: [],
    });
    expect((await otherSupervisor.get(policyUrl())).statusCode).toBe(403);
    expect((await supervisor.put(policyUrl(), { recordRoutedCalls: true })).statusCode).toBe(403);
    const bad = await admin.put(policyUrl(), { recordRoutedCalls: true, announcement: ['../../etc/passwd'] });
    expect(bad.statusCode).toBe(400);
    const set = await admin.put(policyUrl(), { recordRoutedCalls: true });
    expect(set.json()).toEqual({
      teamId,
      recordRoutedCalls: true,
      announcement: ['conf-now-recording', 'beep'],
    });
    expect((await supervisor.get(policyUrl())).json().recordRoutedCalls).toBe(true);
    const missing = await admin.get('/api/teams/00000000-0000-4000-8000-000000000000/recording-policy');
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'no-such-team']);
    const audited = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', `team:${teamId}`)
      .execute();
    expect(audited.map((a) => a.action)).toContain('recording.policy-changed');
  });
});

describe('a routed call of a recording team', () => {
  it('hears the announcement when the agent answers, then is recorded to its end', async () => {
    const since = t.events.length;
    const call = carrier.dial(DID, { name: 'Customer', number: '+15551230000' });
    const ringing = await eventually(
      () => agentPhone.calls.find((c) => c.state === 'ringing'),
      3000,
      'agent rings',
    );
    agentPhone.answer(ringing);
    const answered = await eventually(
      () => t.events.slice(since).find((e) => e.type === 'call.answered')?.data as CallView | undefined,
    );
    // The announcement comes first: nothing records while it plays.
    expect(t.double.liveRecordings()).toEqual([]);
    const started = await eventually(
      () =>
        t.events.slice(since).find((e) => e.type === 'recording.started')?.data as
          RecordingEventData | undefined,
      3000,
      'recording.started',
    );
    expect(started.recording).toMatchObject({
      callId: answered.id,
      startedVia: 'policy',
      startedByUserId: null,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Both heard the announcement to its end (a file counts once played out on the phone).
    expect(call.prompts).toEqual(expect.arrayContaining(['sound:conf-now-recording', 'sound:beep']));
    expect(ringing.prompts).toEqual(expect.arrayContaining(['sound:conf-now-recording', 'sound:beep']));
    carrier.hangup(call);
    const stopped = await eventually(
      () =>
        t.events.slice(since).find((e) => e.type === 'recording.stopped')?.data as
          RecordingEventData | undefined,
    );
    expect(stopped.recording).toMatchObject({ state: 'stopped', segments: [{ state: 'saved' }] });
    expect(stopped.userIds).toContain(agent.id);
    const audio = await t.app.server.inject({
      method: 'GET',
      url: `/api/recordings/${stopped.recording.id}/audio`,
      headers: supervisor.headers,
    });
    expect(audio.statusCode).toBe(200);
    expect(toneDb(audio.rawPayload, toneHzOf('4001'))).toBeGreaterThan(-6);
    expect(toneDb(audio.rawPayload, toneHzOf(carrier.id))).toBeGreaterThan(-6);
  });

  it('a caller gone during the announcement is not recorded', async () => {
    await admin.put(policyUrl(), {
      recordRoutedCalls: true,
      announcement: ['conf-now-recording', 'beep', 'beep', 'beep'],
    });
    const since = t.events.length;
    const call = carrier.dial(DID, { name: 'Customer', number: '+15551230001' });
    const ringing = await eventually(
      () => agentPhone.calls.find((c) => c.state === 'ringing'),
      3000,
      'agent rings',
    );
    agentPhone.answer(ringing);
    await eventually(() => t.events.slice(since).find((e) => e.type === 'call.answered'));
    carrier.hangup(call);
    await eventually(() => t.events.slice(since).find((e) => e.type === 'call.ended'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.events.slice(since).filter((e) => e.type.startsWith('recording.'))).toEqual([]);
  });
});

describe('retention', () => {
  it('deletes recordings older than RECORDING_RETENTION_DAYS: rows, annotations, files, stored copies; audited', async () => {
    const file = join(dir, 'call-old.wav');
    writeFileSync(file, wavOf(500, [440]));
    const insert = async (callId: string, daysAgo: number) =>
      (
        await t.db
          .insertInto('call_recordings')
          .values({
            call_id: callId,
            started_by_user_id: null,
            started_via: 'policy',
            started_at: new Date(Date.now() - daysAgo * 86_400_000),
            state: 'stopped',
            file_path: callId === 'old' ? file : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const old = await insert('old', 31);
    const recent = await insert('recent', 29);
    await t.db
      .insertInto('recording_annotations')
      .values({ recording_id: old, author_user_id: null, author: 'x', offset_seconds: 0, text: 'note' })
      .execute();
    await t.db
      .insertInto('call_recording_segments')
      .values({
        recording_id: old,
        seq: 1,
        name: 'call-old-1',
        started_by_user_id: null,
        started_at: new Date(),
        state: 'failed',
      })
      .execute();
    const retention = createRecordingRetention({
      db: t.db,
      logger: pino({ level: 'silent' }),
      pbx: t.connection.pbx,
      days: t.config.RECORDING_RETENTION_DAYS,
      now: () => new Date(),
    });
    expect(await retention.sweep()).toBe(1);
    const left = await t.db
      .selectFrom('call_recordings')
      .select('id')
      .where('id', 'in', [old, recent])
      .execute();
    expect(left.map((r) => r.id)).toEqual([recent]);
    expect(existsSync(file)).toBe(false);
    expect(
      await t.db.selectFrom('recording_annotations').selectAll().where('recording_id', '=', old).execute(),
    ).toEqual([]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', `recording:${old}`)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['recording.deleted']);
  });
});
