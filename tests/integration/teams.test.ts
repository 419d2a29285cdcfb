import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, countRows, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let supervisor: ApiClient;
let agent: ApiClient;
let support: { id: string };
let sales: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  support = await insertTeam(t.db, 'Support');
  sales = await insertTeam(t.db, 'Sales');
  admin = (await userWithClient(t.app, t.db, { role: 'admin' })).api;
  supervisor = (await userWithClient(t.app, t.db, { role: 'supervisor', teamId: support.id })).api;
  agent = (await userWithClient(t.app, t.db, { role: 'agent', teamId: sales.id })).api;
});
afterAll(async () => t?.close());

describe('teams', () => {
  it('creates, reads, renames and deletes a team, auditing each write', async () => {
    const created = await admin.post('/api/teams', { name: '  Billing ' });
    expect(created.statusCode).toBe(201);
    const team = created.json();
    expect(team).toEqual({ id: expect.any(String), name: 'Billing', createdAt: expect.any(String) });
    expect((await admin.get(`/api/teams/${team.id}`)).json()).toEqual(team);
    const renamed = await admin.patch(`/api/teams/${team.id}`, { name: 'Accounts' });
    expect(renamed.json()).toMatchObject({ id: team.id, name: 'Accounts' });
    expect((await admin.delete(`/api/teams/${team.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/teams/${team.id}`)).json().error.code).toBe('no-such-team');
    const actions = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', `team:${team.id}`)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['team.created', 'team.updated', 'team.deleted']);
  });

  it('lists all teams for admins by name, and only their own for others', async () => {
    const names = (await admin.get('/api/teams')).json().items.map((x: { name: string }) => x.name);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(names).toEqual(expect.arrayContaining(['Sales', 'Support']));
    expect((await supervisor.get('/api/teams')).json().items.map((x: { id: string }) => x.id)).toEqual([
      support.id,
    ]);
    expect((await agent.get('/api/teams')).json().items.map((x: { id: string }) => x.id)).toEqual([sales.id]);
    const page = (await admin.get('/api/teams?limit=1')).json();
    expect(page.items).toHaveLength(1);
    const next = (await admin.get(`/api/teams?limit=1&cursor=${page.nextCursor}`)).json();
    expect(next.items[0].name).not.toBe(page.items[0].name);
  });

  it("refuses another team's details (403) and writes by non-admins (403)", async () => {
    expect((await supervisor.get(`/api/teams/${sales.id}`)).statusCode).toBe(403);
    expect((await agent.get(`/api/teams/${sales.id}`)).statusCode).toBe(200);
    const before = await countRows(t.db, 'teams');
    expect((await supervisor.post('/api/teams', { name: 'Mine' })).statusCode).toBe(403);
    expect((await agent.delete(`/api/teams/${sales.id}`)).statusCode).toBe(403);
    expect((await apiClient(t.app).get('/api/teams')).statusCode).toBe(401);
    expect(await countRows(t.db, 'teams')).toBe(before);
  });

  it('answers 409 team-name-taken for a duplicate name in any case', async () => {
    const before = await countRows(t.db, 'teams');
    const response = await admin.post('/api/teams', { name: 'SUPPORT' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('team-name-taken');
    expect((await admin.patch(`/api/teams/${sales.id}`, { name: 'support' })).json().error.code).toBe(
      'team-name-taken',
    );
    expect(await countRows(t.db, 'teams')).toBe(before);
  });

  it('answers 409 team-not-empty when deleting a team with members', async () => {
    const team = await insertTeam(t.db, 'Busy');
    await insertUser(t.db, { role: 'agent', teamId: team.id });
    const response = await admin.delete(`/api/teams/${team.id}`);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('team-not-empty');
    expect((await admin.get(`/api/teams/${team.id}`)).statusCode).toBe(200);
  });

  it('validates bodies and ids (400) and answers 404 for unknown teams', async () => {
    const before = await countRows(t.db, 'teams');
    for (const body of [{}, { name: '' }, { name: 3 }, { name: 'X', colour: 'red' }]) {
      expect((await admin.post('/api/teams', body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await countRows(t.db, 'teams')).toBe(before);
    expect((await admin.get('/api/teams/not-a-uuid')).statusCode).toBe(400);
    expect((await admin.patch(`/api/teams/${randomUUID()}`, { name: 'Ghost' })).statusCode).toBe(404);
    expect((await admin.delete(`/api/teams/${randomUUID()}`)).statusCode).toBe(404);
  });
});
