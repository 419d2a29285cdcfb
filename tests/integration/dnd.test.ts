import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let supervisor: ApiClient;
let agent: { user: { id: string; extension: string }; api: ApiClient };
let otherAgent: { user: { id: string }; api: ApiClient };

beforeAll(async () => {
  t = await createTestApp();
  const team = await insertTeam(t.db);
  const other = await insertTeam(t.db);
  admin = (await userWithClient(t.app, t.db, { role: 'admin' })).api;
  supervisor = (await userWithClient(t.app, t.db, { role: 'supervisor', teamId: team.id })).api;
  agent = await userWithClient(t.app, t.db, { role: 'agent', teamId: team.id });
  otherAgent = await userWithClient(t.app, t.db, { role: 'agent', teamId: other.id });
});
afterAll(async () => t?.close());

describe('do not disturb', () => {
  it('is off by default; the user, their supervisor and admins turn it on and off, audited', async () => {
    const url = `/api/users/${agent.user.id}/dnd`;
    expect((await agent.api.get(url)).json()).toEqual({
      userId: agent.user.id,
      extension: agent.user.extension,
      enabled: false,
    });
    expect((await agent.api.put(url, { enabled: true })).json().enabled).toBe(true);
    expect((await supervisor.put(url, { enabled: false })).json().enabled).toBe(false);
    expect((await admin.put(url, { enabled: true })).json().enabled).toBe(true);
    expect((await agent.api.get(url)).json().enabled).toBe(true);
    const actions = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', `user:${agent.user.id}`)
      .where('action', 'like', 'user.dnd%')
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['user.dnd-on', 'user.dnd-off', 'user.dnd-on']);
  });

  it('is refused for users one may not see, and for bad bodies, changing nothing', async () => {
    const url = `/api/users/${otherAgent.user.id}/dnd`;
    expect((await agent.api.put(url, { enabled: true })).statusCode).toBe(403);
    expect((await supervisor.put(url, { enabled: true })).statusCode).toBe(403);
    expect((await admin.put(url, { enabled: 'yes' })).statusCode).toBe(400);
    expect((await admin.put(url, {})).statusCode).toBe(400);
    expect((await admin.get(url)).json().enabled).toBe(false);
    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await admin.put(`/api/users/${ghost}/dnd`, { enabled: true })).statusCode).toBe(404);
  });
});
