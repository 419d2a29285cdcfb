import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../helpers/fixtures.js';
import { clientFor, eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import type { SimPhone } from '../ari-double/index.js';

let t: Telephony;
let alice: TestUser;
let bob: TestUser;
let api: Record<'alice' | 'bob' | 'carol' | 'supervisor' | 'admin', ApiClient>;
let phones: Record<'1001' | '1002', SimPhone>;

beforeAll(async () => {
  t = await startTelephony();
  alice = await t.addUser('agent', '1001');
  bob = await t.addUser('agent', '1002');
  const carol = await t.addUser('agent', '1003'); // no phone registered
  const supervisor = await t.addUser('supervisor', '1010');
  const admin = await t.addUser('admin', '1011');
  await t.start();
  phones = { '1001': await t.phone('1001'), '1002': await t.phone('1002', 'manual') };
  api = {
    alice: await clientFor(t.app, alice),
    bob: await clientFor(t.app, bob),
    carol: await clientFor(t.app, carol),
    supervisor: await clientFor(t.app, supervisor),
    admin: await clientFor(t.app, admin),
  };
});
afterAll(async () => t?.close());

describe('click to call', () => {
  it('rings the user’s own phone first, then the number, and bridges them', async () => {
    const created = await api.alice.post('/api/calls', { to: '1002' });
    expect(created.statusCode).toBe(201);
    const call = created.json();
    expect(call).toMatchObject({ state: 'dialing', from: { number: '1001', userId: alice.id }, to: { number: '1002', userId: bob.id } });

    await phones['1001'].waitForIncoming(); // auto-answers
    const incoming = await phones['1002'].waitForIncoming();
    expect(incoming.remote).toEqual({ number: '1001', name: alice.display_name });
    phones['1002'].answer(incoming);
    await eventually(async () => (await api.alice.get(`/api/calls/${call.id}`)).json().state === 'answered', 3000, 'answered');

    const view = (await api.bob.get(`/api/calls/${call.id}`)).json();
    expect(view.answeredBy).toMatchObject({ userId: bob.id, extension: '1002' });
    expect(view.channels.map((c: { role: string; state: string }) => `${c.role}:${c.state}`).sort()).toEqual([
      'callee:gone', // 1002-web is not registered: its leg could not be created
      'callee:up',
      'origin:gone',
      'origin:up',
    ]);

    // Who sees it: both parties and supervisors; another agent neither sees nor hangs it up.
    expect((await api.alice.get('/api/calls')).json().items.map((c: { id: string }) => c.id)).toContain(call.id);
    expect((await api.supervisor.get('/api/calls')).json().items.map((c: { id: string }) => c.id)).toContain(call.id);
    expect((await api.carol.get('/api/calls')).json().items).toEqual([]);
    expect((await api.carol.get(`/api/calls/${call.id}`)).json().error.code).toBe('no-such-call');
    expect((await api.carol.delete(`/api/calls/${call.id}`)).statusCode).toBe(404);

    expect((await api.supervisor.delete(`/api/calls/${call.id}`)).statusCode).toBe(204);
    await eventually(() => phones['1002'].currentCall === undefined && phones['1001'].currentCall === undefined, 3000, 'both hung up');
    await eventually(() => t.events.some((e) => e.type === 'call.ended' && (e.data as { id: string }).id === call.id), 3000, 'ended');
    const log = await t.db.selectFrom('call_logs').selectAll().where('call_id', '=', call.id).executeTakeFirstOrThrow();
    expect(log).toMatchObject({ from_number: '1001', to_number: '1002', answered_by_user_id: bob.id, disposition: 'answered' });
    expect((await api.alice.get(`/api/calls/${call.id}`)).statusCode).toBe(404);
  });

  it('lets an agent call only from their own extension; an admin from any', async () => {
    const forbidden = await api.alice.post('/api/calls', { from: '1002', to: '1003' });
    expect(forbidden.statusCode).toBe(403);
    const asAdmin = await api.admin.post('/api/calls', { from: '1001', to: '1002' });
    expect(asAdmin.statusCode).toBe(201);
    const incoming = await phones['1002'].waitForIncoming();
    expect((await api.admin.delete(`/api/calls/${asAdmin.json().id}`)).statusCode).toBe(204);
    await eventually(() => incoming.state === 'closed', 3000, 'callee stopped ringing');
  });

  it('refuses unknown numbers, bad input and users without a reachable phone', async () => {
    const unknown = await api.alice.post('/api/calls', { to: '1999' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'no-such-extension']);
    const bad = await api.alice.post('/api/calls', { to: 'abc' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'validation-failed']);
    const offline = await api.carol.post('/api/calls', { to: '1001' });
    expect([offline.statusCode, offline.json().error.code]).toEqual([409, 'extension-unavailable']);
    expect((await api.admin.get('/api/calls/nope')).json().error.code).toBe('no-such-call');
  });

  it('answers 503 asterisk-unreachable while ARI is down', async () => {
    await t.connection.stop();
    const response = await api.alice.post('/api/calls', { to: '1002' });
    expect([response.statusCode, response.json().error.code]).toEqual([503, 'asterisk-unreachable']);
    await t.start();
  });
});

describe('WebSocket', () => {
  it('puts the live calls in the snapshot, scoped like the API', async () => {
    // Calls cut off by the previous test's ARI stop are ended by the reconcile after reconnecting.
    await eventually(async () => (await api.admin.get('/api/calls')).json().items.length === 0, 3000, 'no live call');
    const outgoing = phones['1001'].dial('1002');
    await phones['1002'].waitForIncoming();
    const socket = await t.app.server.injectWS('/api/events', { headers: api.alice.headers });
    const snapshot = await new Promise<{ type: string; data: { calls: { from: { number: string } }[] } }>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    socket.terminate();
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.data.calls.map((c) => c.from.number)).toEqual(['1001']);
    phones['1001'].hangup(outgoing);
    await eventually(() => phones['1002'].currentCall === undefined, 3000, 'callee stopped ringing');
  });
});
