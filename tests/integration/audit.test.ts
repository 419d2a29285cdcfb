import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTarget, writeAudit } from '../../controller/db/audit.repository.js';
import { apiClient, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let adminId: string;
let supervisor: ApiClient;
let agent: ApiClient;
let supportAgentId: string;
let salesAgentId: string;

type Entry = { action: string; target: string; actor: string };
const entries = async (client: ApiClient, query = '') =>
  (await client.get(`/api/audit${query}`)).json().items as Entry[];

beforeAll(async () => {
  t = await createTestApp();
  const support = await insertTeam(t.db, 'Support');
  const sales = await insertTeam(t.db, 'Sales');
  const a = await userWithClient(t.app, t.db, { role: 'admin', username: 'boss', extension: '1000' });
  admin = a.api;
  adminId = a.user.id;
  supervisor = (await userWithClient(t.app, t.db, { role: 'supervisor', teamId: support.id })).api;
  const ag = await userWithClient(t.app, t.db, { role: 'agent', teamId: support.id });
  agent = ag.api;
  supportAgentId = ag.user.id;
  salesAgentId = (await insertUser(t.db, { role: 'agent', teamId: sales.id })).id;
  await admin.patch(`/api/users/${supportAgentId}`, { displayName: 'Support Agent' });
  await admin.patch(`/api/users/${salesAgentId}`, { displayName: 'Sales Agent' });
  await admin.post('/api/devices', { id: 'lobby', name: 'Lobby' });
  // The log-ins above are audited too; these tests are about the entries below.
  await t.db.deleteFrom('audit_log').where('action', 'like', 'auth.%').execute();
  await writeAudit(t.db, {
    actorUserId: null,
    actor: 'system',
    action: 'hotdesk.logout',
    target: auditTarget.user(supportAgentId),
    details: { deviceId: 'desk1', reason: 'idle' },
  });
});
afterAll(async () => t?.close());

describe('GET /api/audit', () => {
  it('shows admins every entry, newest first, with details', async () => {
    const all = await entries(admin);
    expect(all.map((e) => e.action)).toEqual([
      'hotdesk.logout',
      'device.created',
      'user.updated',
      'user.updated',
    ]);
    expect(all[0]).toMatchObject({ actor: 'system', details: { deviceId: 'desk1', reason: 'idle' } });
    expect(all[1]).toMatchObject({ actor: 'boss (1000)', actorUserId: adminId, target: 'device:lobby' });
  });

  it('filters by action (exact or prefix) and actor (username or id)', async () => {
    expect((await entries(admin, '?action=user.*')).map((e) => e.action)).toEqual([
      'user.updated',
      'user.updated',
    ]);
    expect((await entries(admin, '?action=device.created')).map((e) => e.target)).toEqual(['device:lobby']);
    expect(await entries(admin, '?actor=BOSS')).toHaveLength(3);
    expect(await entries(admin, `?actor=${adminId}`)).toHaveLength(3);
    expect((await entries(admin, '?actor=system')).map((e) => e.action)).toEqual(['hotdesk.logout']);
    expect(await entries(admin, '?actor=bo')).toEqual([]);
  });

  it('pages by an opaque cursor', async () => {
    const first = (await admin.get('/api/audit?limit=3')).json();
    expect(first.items).toHaveLength(3);
    const rest = (await admin.get(`/api/audit?limit=3&cursor=${first.nextCursor}`)).json();
    expect(rest.items.map((e: Entry) => e.action)).toEqual(['user.updated']);
    expect(rest.nextCursor).toBeNull();
  });

  it('shows supervisors only entries by or about their team, and refuses agents', async () => {
    const seen = await entries(supervisor);
    expect(seen.map((e) => e.target)).toEqual([
      auditTarget.user(supportAgentId),
      auditTarget.user(supportAgentId),
    ]);
    expect((await agent.get('/api/audit')).statusCode).toBe(403);
    expect((await apiClient(t.app).get('/api/audit')).statusCode).toBe(401);
  });

  it('rejects bad filters with 400', async () => {
    for (const query of ['action=DROP%20TABLE', 'action=user.%25', 'limit=0', 'cursor=abc', 'who=me']) {
      expect((await admin.get(`/api/audit?${query}`)).statusCode, query).toBe(400);
    }
  });
});
