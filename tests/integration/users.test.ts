import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, countRows, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, login, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let adminId: string;
let support: { id: string };
let sales: { id: string };
let supervisor: ApiClient;
let agent: ApiClient;
let agentId: string;

const userKeys = [
  'createdAt',
  'displayName',
  'extension',
  'id',
  'outboundAllowed',
  'outboundCallerId',
  'role',
  'teamId',
  'updatedAt',
  'username',
];
let nextExtension = 3000;
const newUser = (overrides: Record<string, unknown> = {}) => ({
  username: `u${randomUUID().slice(0, 8)}`,
  displayName: 'New Person',
  extension: String(nextExtension++),
  role: 'agent',
  password: 'a good password',
  ...overrides,
});

beforeAll(async () => {
  t = await createTestApp();
  support = await insertTeam(t.db, 'Support');
  sales = await insertTeam(t.db, 'Sales');
  const a = await userWithClient(t.app, t.db, { role: 'admin', username: 'root', extension: '1000' });
  admin = a.api;
  adminId = a.user.id;
  supervisor = (
    await userWithClient(t.app, t.db, { role: 'supervisor', extension: '1010', teamId: support.id })
  ).api;
  const ag = await userWithClient(t.app, t.db, { role: 'agent', extension: '1001', teamId: support.id });
  agent = ag.api;
  agentId = ag.user.id;
  await insertUser(t.db, { role: 'agent', extension: '1002', teamId: support.id });
  await insertUser(t.db, { role: 'agent', extension: '1101', teamId: sales.id });
});
afterAll(async () => t?.close());

describe('POST /api/users', () => {
  it('creates a user, returns exactly the public shape, hashes the PIN and audits it', async () => {
    const body = newUser({ username: 'dana', extension: '1003', teamId: support.id, pin: '4321' });
    const response = await admin.post('/api/users', body);
    expect(response.statusCode).toBe(201);
    const user = response.json();
    expect(Object.keys(user).sort()).toEqual(userKeys);
    expect(user).toMatchObject({ username: 'dana', extension: '1003', role: 'agent', teamId: support.id });
    const row = await t.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.sip_password).toMatch(/^[\w-]{20}$/);
    expect(row.pin_hash).toMatch(/^scrypt\$/);
    expect(await login(t.app, 'dana', 'a good password')).toHaveProperty('authorization');
    const audit = await t.db
      .selectFrom('audit_log')
      .where('action', 'not like', 'auth.%')
      .selectAll()
      .where('target', '=', `user:${user.id}`)
      .execute();
    expect(audit).toMatchObject([{ action: 'user.created', actor: 'root (1000)', actor_user_id: adminId }]);
  });

  it('keeps a given SIP password', async () => {
    const user = (await admin.post('/api/users', newUser({ sipPassword: 'given-sip-secret' }))).json();
    const row = await t.db
      .selectFrom('users')
      .select('sip_password')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.sip_password).toBe('given-sip-secret');
  });

  it.each([
    ['an unknown field', newUser({ isRoot: true }), /isRoot|unrecognized/i],
    ['a wrong type', newUser({ extension: 1234 }), /extension/],
    ['a parking extension', newUser({ extension: '750' }), /700-799/],
    ['a paging extension', newUser({ extension: '801' }), /800-899/],
    ['a 6-digit extension', newUser({ extension: '123456' }), /3 to 5 digits/],
    ['a short PIN', newUser({ pin: '12' }), /pin/],
    ['a missing password', { ...newUser(), password: undefined }, /password/],
  ])('rejects %s with 400 and writes nothing', async (_name, body, message) => {
    const before = await countRows(t.db, 'users');
    const response = await admin.post('/api/users', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'validation-failed',
      message: expect.stringMatching(message),
    });
    expect(await countRows(t.db, 'users')).toBe(before);
  });

  it('rejects malformed JSON with 400 and writes nothing', async () => {
    const before = await countRows(t.db, 'users');
    const response = await t.app.server.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: '{"username": "x",',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation-failed');
    expect(await countRows(t.db, 'users')).toBe(before);
  });

  it('answers 409 for a taken username (any case) or extension, 404 for an unknown team', async () => {
    const before = await countRows(t.db, 'users');
    const username = await admin.post('/api/users', newUser({ username: 'ROOT' }));
    expect(username.statusCode).toBe(409);
    expect(username.json().error.code).toBe('username-taken');
    const extension = await admin.post('/api/users', newUser({ extension: '1001' }));
    expect(extension.statusCode).toBe(409);
    expect(extension.json().error.code).toBe('extension-taken');
    const team = await admin.post('/api/users', newUser({ teamId: randomUUID() }));
    expect(team.statusCode).toBe(404);
    expect(team.json().error.code).toBe('no-such-team');
    expect(await countRows(t.db, 'users')).toBe(before);
  });

  it('needs a valid token (401) and the admin role (403)', async () => {
    const before = await countRows(t.db, 'users');
    expect((await apiClient(t.app).post('/api/users', newUser())).statusCode).toBe(401);
    const bad = apiClient(t.app, { authorization: 'Bearer not-a-token' });
    expect((await bad.post('/api/users', newUser())).json().error.code).toBe('unauthorized');
    const forbidden = await agent.post('/api/users', newUser());
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
    expect((await supervisor.post('/api/users', newUser())).statusCode).toBe(403);
    expect(await countRows(t.db, 'users')).toBe(before);
  });
});

describe('PATCH /api/users/{id}', () => {
  it('changes fields, takes write-only secrets and audits what changed', async () => {
    const user = await insertUser(t.db, { role: 'agent', teamId: support.id });
    const response = await admin.patch(`/api/users/${user.id}`, {
      extension: '4444',
      teamId: sales.id,
      password: 'another password',
      pin: '987654',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ extension: '4444', teamId: sales.id });
    expect(response.body).not.toMatch(/password|pin/i);
    await login(t.app, user.username, 'another password');
    const [entry] = await t.db
      .selectFrom('audit_log')
      .where('action', 'not like', 'auth.%')
      .selectAll()
      .where('action', '=', 'user.updated')
      .execute();
    expect(entry?.details).toMatchObject({
      changes: { extension: { from: user.extension, to: '4444' } },
      secrets: ['password', 'pin'],
    });
    expect(JSON.stringify(entry?.details)).not.toContain('another password');
  });

  it('refuses an empty change, unknown fields and a reserved extension with 400', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    for (const body of [{}, { colour: 'red' }, { extension: '700' }, { role: 'root' }]) {
      expect((await admin.patch(`/api/users/${user.id}`, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    const row = await t.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.updated_at).toEqual(row.created_at);
  });

  it('answers 409 for a taken extension, 409 for demoting yourself, 404 for nobody, 403 for non-admins', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    expect((await admin.patch(`/api/users/${user.id}`, { extension: '1001' })).json().error.code).toBe(
      'extension-taken',
    );
    expect((await admin.patch(`/api/users/${adminId}`, { role: 'agent' })).json().error.code).toBe(
      'conflict',
    );
    expect((await admin.patch(`/api/users/${randomUUID()}`, { displayName: 'x' })).statusCode).toBe(404);
    expect((await agent.patch(`/api/users/${agentId}`, { role: 'admin' })).statusCode).toBe(403);
  });
});

describe('DELETE /api/users/{id}', () => {
  it('deletes a user (204) and audits it; 404 after', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    expect((await admin.delete(`/api/users/${user.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/users/${user.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/users/${user.id}`)).statusCode).toBe(404);
    const entries = await t.db
      .selectFrom('audit_log')
      .where('action', 'not like', 'auth.%')
      .select('action')
      .where('target', '=', `user:${user.id}`)
      .execute();
    expect(entries.map((e) => e.action)).toEqual(['user.deleted']);
  });

  it('refuses to delete yourself (409) and non-admins (403)', async () => {
    expect((await admin.delete(`/api/users/${adminId}`)).json().error).toMatchObject({ code: 'conflict' });
    expect((await supervisor.delete(`/api/users/${agentId}`)).statusCode).toBe(403);
    expect(
      await t.db.selectFrom('users').select('id').where('id', 'in', [adminId, agentId]).execute(),
    ).toHaveLength(2);
  });
});

describe('outbound permission and caller ID', () => {
  it('allows outside calls by default, with the trunk\'s caller ID; both can be set and changed, and are audited', async () => {
    const plain = (await admin.post('/api/users', newUser())).json();
    expect(plain).toMatchObject({ outboundAllowed: true, outboundCallerId: null });
    const restricted = await admin.post('/api/users', newUser({ outboundAllowed: false, outboundCallerId: '+14155550123' }));
    expect(restricted.statusCode, restricted.body).toBe(201);
    expect(restricted.json()).toMatchObject({ outboundAllowed: false, outboundCallerId: '+14155550123' });
    const changed = await admin.patch(`/api/users/${restricted.json().id}`, { outboundAllowed: true, outboundCallerId: null });
    expect(changed.json()).toMatchObject({ outboundAllowed: true, outboundCallerId: null });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('target', '=', `user:${restricted.json().id}`)
      .where('action', '=', 'user.updated')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({
      changes: { outboundAllowed: { from: false, to: true }, outboundCallerId: { from: '+14155550123', to: null } },
    });
  });

  it.each([
    [{ outboundCallerId: '4155550123' }, 'outboundCallerId'],
    [{ outboundCallerId: '+0123456789' }, 'outboundCallerId'],
    [{ outboundAllowed: 'yes' }, 'outboundAllowed'],
  ])('refuses %j with a 400 naming the field', async (fields, field) => {
    const before = (await t.db.selectFrom('users').select('id').execute()).length;
    const response = await admin.post('/api/users', newUser(fields));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(field);
    expect((await t.db.selectFrom('users').select('id').execute()).length).toBe(before);
    expect((await admin.patch(`/api/users/${agentId}`, fields)).statusCode).toBe(400);
  });
});
