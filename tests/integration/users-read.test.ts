import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let support: { id: string };
let sales: { id: string };
let supervisor: ApiClient;
let agent: ApiClient;
let agentId: string;

beforeAll(async () => {
  t = await createTestApp();
  support = await insertTeam(t.db, 'Support');
  sales = await insertTeam(t.db, 'Sales');
  const a = await userWithClient(t.app, t.db, { role: 'admin', username: 'root', extension: '1000' });
  admin = a.api;
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

describe('GET /api/users', () => {
  const extensions = (response: { json(): { items: { extension: string }[] } }) =>
    response.json().items.map((u) => u.extension);

  it('shows admins everyone, supervisors their team, agents themselves', async () => {
    const all = extensions(await admin.get('/api/users?limit=200'));
    expect(all).toEqual(expect.arrayContaining(['1000', '1001', '1002', '1010', '1101']));
    expect(extensions(await supervisor.get('/api/users'))).toEqual(
      expect.arrayContaining(['1001', '1002', '1010']),
    );
    expect(extensions(await supervisor.get('/api/users'))).not.toContain('1101');
    expect(extensions(await agent.get('/api/users'))).toEqual(['1001']);
  });

  it('filters by role, team and text, and pages with an opaque cursor', async () => {
    expect(extensions(await admin.get(`/api/users?teamId=${sales.id}`))).toEqual(['1101']);
    expect(extensions(await admin.get('/api/users?role=supervisor'))).toEqual(['1010']);
    expect(extensions(await admin.get('/api/users?q=ROO'))).toEqual(['1000']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { extension: string }[]; nextCursor: string | null } = (
        await admin.get(`/api/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((u) => u.extension));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(extensions(await admin.get('/api/users?limit=200')));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('rejects bad query values with 400', async () => {
    for (const query of [
      'limit=0',
      'limit=201',
      'limit=abc',
      'role=boss',
      'teamId=nope',
      'cursor=garbage',
      'extra=1',
    ]) {
      const response = await admin.get(`/api/users?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('validation-failed');
    }
  });

  it('never contains a secret', async () => {
    const body = (await admin.get('/api/users?limit=200')).body;
    expect(body).not.toMatch(/password|sip|pin|scrypt/i);
  });
});

describe('GET /api/users/{id}, /me and /me/sip-credentials', () => {
  it('lets each role read whom they may, and refuses the rest with 403', async () => {
    const other = await insertUser(t.db, { role: 'agent', teamId: sales.id });
    expect((await admin.get(`/api/users/${other.id}`)).json()).toMatchObject({ extension: other.extension });
    expect((await supervisor.get(`/api/users/${agentId}`)).statusCode).toBe(200);
    expect((await supervisor.get(`/api/users/${other.id}`)).statusCode).toBe(403);
    expect((await agent.get(`/api/users/${other.id}`)).json().error.code).toBe('forbidden');
    expect((await agent.get(`/api/users/${agentId}`)).body).not.toMatch(/password|sip|pin/i);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await admin.get(`/api/users/${randomUUID()}`)).json().error.code).toBe('no-such-user');
    expect((await admin.get('/api/users/42')).statusCode).toBe(400);
  });

  it('returns the caller and only their own SIP credentials', async () => {
    expect((await agent.get('/api/users/me')).json()).toMatchObject({ id: agentId, extension: '1001' });
    const row = await t.db
      .selectFrom('users')
      .select('sip_password')
      .where('id', '=', agentId)
      .executeTakeFirstOrThrow();
    const credentials = await agent.get('/api/users/me/sip-credentials');
    expect(credentials.headers['cache-control']).toBe('no-store');
    expect(credentials.json()).toEqual({
      username: '1001-web',
      authorizationUser: '1001-web',
      password: row.sip_password,
      wsUrl: t.config.SIP_WS_URL,
      uri: 'sip:1001-web@127.0.0.1',
      deskPhone: { username: '1001', password: row.sip_password },
    });
    // There is no route that reads someone else's credentials, for anyone.
    expect((await admin.get(`/api/users/${agentId}/sip-credentials`)).statusCode).toBe(404);
    expect((await admin.get('/api/users/me/sip-credentials')).json().username).toBe('1000-web');
    expect((await apiClient(t.app).get('/api/users/me/sip-credentials')).statusCode).toBe(401);
  });
});
