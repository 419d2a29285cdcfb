import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Call logs of the contact centre (issue 13): routed calls' rung agents, routing path, trunk and DID; the filters
 * (agent, contact, direction, disposition) with the cursor; who writes and edits notes on calls and contacts.
 */
let t: TestApp;
let admin: ApiClient;
let supervisor: ApiClient;
let otherSupervisor: ApiClient;
const agents: Record<string, { id: string; api: ApiClient }> = {};
let contactId: string;
const logs: Record<string, string> = {};
let trunkId: string;

const ids = (response: { json(): { items: { callId: string }[] } }) => response.json().items.map((c) => c.callId);

beforeAll(async () => {
  t = await createTestApp();
  const sales = await insertTeam(t.db, 'Sales');
  const other = await insertTeam(t.db, 'Other');
  admin = (await userWithClient(t.app, t.db, { role: 'admin', extension: '3000' })).api;
  supervisor = (await userWithClient(t.app, t.db, { role: 'supervisor', extension: '3010', teamId: sales.id })).api;
  otherSupervisor = (await userWithClient(t.app, t.db, { role: 'supervisor', extension: '3020', teamId: other.id }))
    .api;
  for (const ext of ['3001', '3002', '3003']) {
    const { user, api } = await userWithClient(t.app, t.db, { role: 'agent', extension: ext, teamId: sales.id });
    agents[ext] = { id: user.id, api };
  }
  const contact = await admin.post('/api/contacts', { name: 'Alice', phoneNumbers: ['+15551110001'], teamId: sales.id });
  contactId = contact.json<{ id: string }>().id;
  await admin.put(`/api/contacts/${contactId}/assignments/${agents['3001']!.id}`, { active: true });
  await admin.put(`/api/contacts/${contactId}/assignments/${agents['3002']!.id}`, { active: true });
  trunkId = (
    await t.db
      .insertInto('trunks')
      .values({ name: 'Carrier', host: '127.0.0.2', match: ['127.0.0.2'] })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 9, minute));
  const insert = async (callId: string, minute: number, values: Record<string, unknown>) => {
    const row = await t.db
      .insertInto('call_logs')
      .values({
        call_id: callId,
        direction: 'inbound',
        from_number: '+15551110001',
        to_number: '+15550001',
        caller_user_id: null,
        answered_by_user_id: null,
        answered_by_extension: null,
        contact_id: contactId,
        started_at: at(minute),
        answered_at: null,
        ended_at: at(minute + 1),
        disposition: 'no-answer',
        trunk_id: trunkId,
        did: '+15550001',
        ...values,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    logs[callId] = row.id;
  };
  await insert('routed', 1, {
    rung_user_ids: [agents['3001']!.id, agents['3002']!.id],
    answered_by_user_id: agents['3002']!.id,
    answered_by_extension: '3002',
    answered_at: at(1),
    ended_at: new Date(at(1).getTime() + 95_000),
    disposition: 'answered',
    routing_path: ['assigned'],
  });
  await insert('missed', 5, {
    rung_user_ids: [agents['3001']!.id, agents['3002']!.id, agents['3003']!.id],
    routing_path: ['assigned', 'team', 'fallback'],
  });
  await insert('unknown', 9, { contact_id: null, from_number: '+15559990000', rung_user_ids: [agents['3003']!.id] });
  await insert('internal', 12, {
    direction: 'internal',
    from_number: '3003',
    to_number: '3001',
    caller_user_id: agents['3003']!.id,
    contact_id: null,
    trunk_id: null,
    did: null,
    disposition: 'busy',
  });
});
afterAll(async () => t?.close());

describe('routed call logs', () => {
  it('say the trunk, DID, contact, every agent rung, who answered, the path and the talk time', async () => {
    const log = (await admin.get(`/api/call-logs/${logs.routed}`)).json();
    expect(log).toMatchObject({
      direction: 'inbound',
      from: '+15551110001',
      to: '+15550001',
      did: '+15550001',
      trunkId,
      contactId,
      rungAgents: [agents['3001']!.id, agents['3002']!.id],
      answeredByUserId: agents['3002']!.id,
      routingPath: ['assigned'],
      disposition: 'answered',
      durationSeconds: 95,
    });
  });

  it('are seen by every agent they rang (not only who answered), by the team supervisor, not by others', async () => {
    expect(ids(await agents['3001']!.api.get('/api/call-logs'))).toEqual(['internal', 'missed', 'routed']);
    expect(ids(await agents['3003']!.api.get('/api/call-logs'))).toEqual(['internal', 'unknown', 'missed']);
    expect(ids(await supervisor.get('/api/call-logs'))).toEqual(['internal', 'unknown', 'missed', 'routed']);
    expect(ids(await otherSupervisor.get('/api/call-logs'))).toEqual([]);
  });

  it('filter by agent, contact, direction, disposition and time, paged by an opaque cursor', async () => {
    const q = (query: string) => admin.get(`/api/call-logs?${query}`).then(ids);
    expect(await q(`agent=${agents['3002']!.id}`)).toEqual(['missed', 'routed']);
    expect(await q(`agent=${agents['3003']!.id}`)).toEqual(['internal', 'unknown', 'missed']);
    expect(await q(`contact=${contactId}`)).toEqual(['missed', 'routed']);
    expect(await q('direction=internal')).toEqual(['internal']);
    expect(await q('disposition=no-answer&direction=inbound')).toEqual(['unknown', 'missed']);
    expect(await q('from=2026-12-01T09:04:00Z&to=2026-12-01T09:10:00Z')).toEqual(['unknown', 'missed']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { callId: string }[]; nextCursor: string | null } = (
        await admin.get(`/api/call-logs?direction=inbound&limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((c) => c.callId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['unknown', 'missed', 'routed']);
    for (const bad of ['agent=nobody', 'direction=sideways', 'disposition=maybe', 'contact=1'])
      expect((await admin.get(`/api/call-logs?${bad}`)).statusCode, bad).toBe(400);
  });
});

describe('notes on calls', () => {
  it('are written by whoever handled the call and their supervisor; an agent only rung may not', async () => {
    const url = `/api/call-logs/${logs.routed}/notes`;
    const mine = await agents['3002']!.api.post(url, { body: 'Wants a quote' });
    expect(mine.statusCode).toBe(201);
    expect((await agents['3001']!.api.post(url, { body: 'I was rung' })).statusCode).toBe(403);
    expect((await otherSupervisor.post(url, { body: 'Not my team' })).statusCode).toBe(403);
    const theirs = await supervisor.post(url, { body: 'Reviewed' });
    expect(theirs.statusCode).toBe(201);
    const noteId = mine.json<{ id: string }>().id;
    const edited = await agents['3002']!.api.patch(`${url}/${noteId}`, { body: 'Wants a quote for 3' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ body: 'Wants a quote for 3', authorUserId: agents['3002']!.id });
    expect(edited.json().updatedAt).toEqual(expect.any(String));
    expect((await supervisor.patch(`${url}/${noteId}`, { body: 'Quote for 3 units' })).statusCode).toBe(200);
    expect((await admin.patch(`${url}/${noteId}`, { body: 'Quote for 3 units.' })).statusCode).toBe(200);
    // An agent edits only their own notes; nobody edits a note through another call; unknown notes are 404.
    const supervisorsNote = theirs.json<{ id: string }>().id;
    expect((await agents['3002']!.api.patch(`${url}/${supervisorsNote}`, { body: 'x' })).statusCode).toBe(403);
    expect((await admin.patch(`/api/call-logs/${logs.missed}/notes/${noteId}`, { body: 'x' })).statusCode).toBe(404);
    expect((await admin.patch(`${url}/${randomUUID()}`, { body: 'x' })).json().error.code).toBe('no-such-note');
    expect((await admin.patch(`${url}/${noteId}`, { body: '  ' })).statusCode).toBe(400);
    const list = (await agents['3001']!.api.get(url)).json();
    expect(list.items.map((n: { body: string }) => n.body)).toEqual(['Reviewed', 'Quote for 3 units.']);
  });
});

describe('notes on contacts', () => {
  it('are edited by their author, a supervisor of the contact team and admins; not by another agent', async () => {
    const url = `/api/contacts/${contactId}/notes`;
    const note = await agents['3001']!.api.post(url, { body: 'Prefers mornings' });
    expect(note.statusCode).toBe(201);
    const noteId = note.json<{ id: string }>().id;
    expect((await agents['3001']!.api.patch(`${url}/${noteId}`, { body: 'Prefers mornings, 9-11' })).statusCode).toBe(
      200,
    );
    expect((await agents['3002']!.api.patch(`${url}/${noteId}`, { body: 'x' })).statusCode).toBe(403);
    expect((await agents['3003']!.api.patch(`${url}/${noteId}`, { body: 'x' })).statusCode).toBe(403);
    expect((await supervisor.patch(`${url}/${noteId}`, { body: 'Mornings (9-11)' })).statusCode).toBe(200);
    expect((await otherSupervisor.patch(`${url}/${noteId}`, { body: 'x' })).statusCode).toBe(403);
    const after = (await admin.get(url)).json();
    expect(after.items[0]).toMatchObject({ body: 'Mornings (9-11)', authorUserId: agents['3001']!.id });
  });
});
