import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewCallLogRow } from '../../controller/db/tables/call-logs.js';
import { apiClient, countRows, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let supervisor: ApiClient;
let agent1: ApiClient;
let agent1Id: string;
let salesAgent: ApiClient;
const calls: Record<string, string> = {};

const callIds = (response: { json(): { items: { callId: string }[] } }) =>
  response.json().items.map((c) => c.callId);

async function insertCall(values: Omit<NewCallLogRow, 'call_id'> & { call_id: string }) {
  const row = await t.db.insertInto('call_logs').values(values).returning('id').executeTakeFirstOrThrow();
  calls[values.call_id] = row.id;
}

beforeAll(async () => {
  t = await createTestApp();
  const support = await insertTeam(t.db, 'Support');
  const sales = await insertTeam(t.db, 'Sales');
  admin = (await userWithClient(t.app, t.db, { role: 'admin', extension: '1000' })).api;
  supervisor = (
    await userWithClient(t.app, t.db, { role: 'supervisor', extension: '1010', teamId: support.id })
  ).api;
  const a1 = await userWithClient(t.app, t.db, { role: 'agent', extension: '1001', teamId: support.id });
  agent1 = a1.api;
  agent1Id = a1.user.id;
  const a2 = await userWithClient(t.app, t.db, { role: 'agent', extension: '1002', teamId: support.id });
  const b = await userWithClient(t.app, t.db, { role: 'agent', extension: '1101', teamId: sales.id });
  salesAgent = b.api;
  const at = (minute: number) => new Date(Date.UTC(2025, 0, 15, 10, minute));
  await insertCall({
    call_id: 'internal',
    direction: 'internal',
    from_number: '1001',
    from_name: 'Agent One',
    to_number: '1002',
    caller_user_id: a1.user.id,
    answered_by_user_id: a2.user.id,
    answered_by_extension: '1002',
    contact_id: null,
    started_at: at(1),
    answered_at: at(2),
    ended_at: at(3),
    disposition: 'answered',
  });
  await insertCall({
    call_id: 'inbound-sales',
    direction: 'inbound',
    from_number: '+14155550100',
    to_number: '1101',
    caller_user_id: null,
    answered_by_user_id: b.user.id,
    answered_by_extension: '1101',
    contact_id: null,
    started_at: at(10),
    answered_at: at(11),
    ended_at: at(12),
    disposition: 'answered',
  });
  await insertCall({
    call_id: 'missed',
    direction: 'inbound',
    from_number: '+14155550111',
    to_number: '+18005550000',
    caller_user_id: null,
    answered_by_user_id: null,
    answered_by_extension: null,
    contact_id: null,
    started_at: at(20),
    answered_at: null,
    ended_at: at(21),
    disposition: 'no-answer',
  });
  await insertCall({
    call_id: 'outbound',
    direction: 'outbound',
    from_number: '1002',
    to_number: '+14155550123',
    caller_user_id: a2.user.id,
    answered_by_user_id: null,
    answered_by_extension: null,
    contact_id: null,
    started_at: at(30),
    answered_at: null,
    ended_at: null,
    disposition: null,
  });
});
afterAll(async () => t?.close());

describe('GET /api/call-logs', () => {
  it('returns the API shape, newest first', async () => {
    const page = (await admin.get('/api/call-logs')).json();
    expect(page.items.map((c: { callId: string }) => c.callId)).toEqual([
      'outbound',
      'missed',
      'inbound-sales',
      'internal',
    ]);
    expect(page.items[3]).toEqual({
      id: calls.internal,
      callId: 'internal',
      direction: 'internal',
      from: '1001',
      fromName: 'Agent One',
      to: '1002',
      callerUserId: agent1Id,
      answeredBy: '1002',
      answeredByUserId: expect.any(String),
      contactId: null,
      startedAt: '2025-01-15T10:01:00.000Z',
      answeredAt: '2025-01-15T10:02:00.000Z',
      endedAt: '2025-01-15T10:03:00.000Z',
      disposition: 'answered',
      forwardPath: [],
      trunkId: null,
      did: null,
      rungAgents: [],
      routingPath: [],
      transfer: null,
      durationSeconds: 60,
      quality: null,
      recording: null,
    });
  });

  it('shows admins all calls, supervisors their team, agents their own', async () => {
    expect(callIds(await supervisor.get('/api/call-logs'))).toEqual(['outbound', 'internal']);
    expect(callIds(await agent1.get('/api/call-logs'))).toEqual(['internal']);
    expect(callIds(await salesAgent.get('/api/call-logs'))).toEqual(['inbound-sales']);
  });

  it('filters by time and extension, and pages', async () => {
    expect(callIds(await admin.get('/api/call-logs?extension=1002'))).toEqual(['outbound', 'internal']);
    const window = 'from=2025-01-15T10:05:00Z&to=2025-01-15T10:25:00%2B00:00';
    expect(callIds(await admin.get(`/api/call-logs?${window}`))).toEqual(['missed', 'inbound-sales']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { callId: string }[]; nextCursor: string | null } = (
        await admin.get(`/api/call-logs?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((c) => c.callId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['outbound', 'missed', 'inbound-sales', 'internal']);
  });

  it("finds a live call's log by its call id (the webphone's notes), within what the caller may read", async () => {
    expect(callIds(await agent1.get('/api/call-logs?callId=internal'))).toEqual(['internal']);
    expect(callIds(await salesAgent.get('/api/call-logs?callId=internal'))).toEqual([]);
    expect(callIds(await admin.get('/api/call-logs?callId=nothing-like-it'))).toEqual([]);
    expect((await admin.get('/api/call-logs?callId=a%20b')).statusCode).toBe(400);
  });

  it('rejects bad filters with 400 and needs a token', async () => {
    for (const query of [
      'from=yesterday',
      'from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z',
      'extension=abc',
      'limit=500',
    ]) {
      expect((await admin.get(`/api/call-logs?${query}`)).statusCode, query).toBe(400);
    }
    expect((await apiClient(t.app).get('/api/call-logs')).statusCode).toBe(401);
  });

  it('reads one call log if the caller took part, else 403; 404 when unknown', async () => {
    expect((await agent1.get(`/api/call-logs/${calls.internal}`)).json().callId).toBe('internal');
    expect((await agent1.get(`/api/call-logs/${calls.missed}`)).statusCode).toBe(403);
    expect((await admin.get(`/api/call-logs/${randomUUID()}`)).json().error.code).toBe('no-such-call-log');
  });
});

describe('call log notes', () => {
  it('lets participants and their supervisor note a call', async () => {
    const note = await agent1.post(`/api/call-logs/${calls.internal}/notes`, {
      body: 'Transferred to billing',
    });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({ callLogId: calls.internal, contactId: null, authorUserId: agent1Id });
    expect(
      (await supervisor.post(`/api/call-logs/${calls.internal}/notes`, { body: 'Reviewed' })).statusCode,
    ).toBe(201);
    const list = (await agent1.get(`/api/call-logs/${calls.internal}/notes`)).json();
    expect(list.items.map((n: { body: string }) => n.body)).toEqual(['Reviewed', 'Transferred to billing']);
  });

  it("a note written on a call with a contact is one of the contact's notes too", async () => {
    const contact = (
      await admin.post('/api/contacts', { name: 'Road Runner', phoneNumbers: ['(415) 555-0177'] })
    ).json<{ id: string }>();
    await insertCall({
      call_id: 'with-contact',
      direction: 'inbound',
      from_number: '+14155550177',
      to_number: '1001',
      caller_user_id: null,
      answered_by_user_id: agent1Id,
      answered_by_extension: '1001',
      contact_id: contact.id,
      started_at: new Date(Date.UTC(2025, 0, 15, 11, 0)),
      answered_at: new Date(Date.UTC(2025, 0, 15, 11, 1)),
      ended_at: null,
      disposition: null,
    });
    await admin.post(`/api/contacts/${contact.id}/notes`, { body: 'Prefers e-mail' });
    const typed = await agent1.post(`/api/call-logs/${calls['with-contact']}/notes`, {
      body: 'Wants a refund',
    });
    expect(typed.statusCode).toBe(201);
    const notes = (await admin.get(`/api/contacts/${contact.id}/notes`)).json<{
      items: { body: string }[];
    }>();
    expect(notes.items.map((n) => n.body)).toEqual(['Wants a refund', 'Prefers e-mail']);
    const onCall = (await agent1.get(`/api/call-logs/${calls['with-contact']}/notes`)).json();
    expect(onCall.items.map((n: { body: string }) => n.body)).toEqual(['Wants a refund']);
  });

  it('refuses notes on calls the caller took no part in (403), bad bodies (400), unknown calls (404)', async () => {
    const before = await countRows(t.db, 'notes');
    expect(
      (await agent1.post(`/api/call-logs/${calls['inbound-sales']}/notes`, { body: 'x' })).statusCode,
    ).toBe(403);
    expect(
      (await supervisor.post(`/api/call-logs/${calls['inbound-sales']}/notes`, { body: 'x' })).statusCode,
    ).toBe(403);
    expect((await supervisor.get(`/api/call-logs/${calls['inbound-sales']}/notes`)).statusCode).toBe(403);
    expect((await admin.post(`/api/call-logs/${calls.internal}/notes`, { body: '   ' })).statusCode).toBe(
      400,
    );
    expect((await admin.post(`/api/call-logs/${randomUUID()}/notes`, { body: 'x' })).statusCode).toBe(404);
    expect(await countRows(t.db, 'notes')).toBe(before);
  });
});

describe('OpenAPI', () => {
  it('documents the platform routes under their tags', async () => {
    const response = await t.app.server.inject('/api/docs/json');
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    for (const path of [
      '/api/users',
      '/api/users/{id}',
      '/api/teams',
      '/api/devices/{id}',
      '/api/contacts/lookup',
      '/api/contacts/{id}/assignments/{userId}',
      '/api/call-logs',
      '/api/call-logs/{id}/notes',
      '/api/audit',
    ]) {
      expect(paths).toContain(path);
    }
    expect(response.json().paths['/api/users'].post.tags).toEqual(['users']);
  });
});
