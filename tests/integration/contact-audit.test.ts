import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, insertTeam, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { eventually } from '../helpers/telephony.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Contact and assignment changes, and refused requests (403), are in the audit log. */

let t: TestApp;
let admin: ApiClient;
let supervisor: ApiClient;
let agent: ApiClient;
let supervisorId: string;
let agentId: string;
let agentLabel: string;
let red: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  red = await insertTeam(t.db, 'Red');
  admin = (await userWithClient(t.app, t.db, { role: 'admin' })).api;
  const s = await userWithClient(t.app, t.db, { role: 'supervisor', teamId: red.id });
  supervisor = s.api;
  supervisorId = s.user.id;
  const a = await userWithClient(t.app, t.db, { role: 'agent', teamId: red.id });
  agent = a.api;
  agentId = a.user.id;
  agentLabel = `${a.user.username} (${a.user.extension})`;
});
afterAll(async () => t?.close());

type Entry = {
  action: string;
  actorUserId: string | null;
  actor: string;
  target: string;
  details: Record<string, unknown>;
};
const entries = async (filter: { action?: string; target?: string }) => {
  let query = t.db.selectFrom('audit_log').selectAll().orderBy('id');
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.target) query = query.where('target', '=', filter.target);
  return (await query.execute()).map((row): Entry => ({
    action: row.action,
    actorUserId: row.actor_user_id,
    actor: row.actor,
    target: row.target,
    details: row.details,
  }));
};

describe('contact changes in the audit log', () => {
  it('records create, update, assign, unassign and delete, by whom, with what changed', async () => {
    const contact = (await supervisor.post('/api/contacts', { name: 'Audited', company: 'Acme' })).json();
    await supervisor.patch(`/api/contacts/${contact.id}`, {
      company: 'Acme Corp',
      description: 'secret plans',
    });
    await supervisor.put(`/api/contacts/${contact.id}/assignments/${agentId}`, { active: true });
    await supervisor.delete(`/api/contacts/${contact.id}/assignments/${agentId}`);
    expect((await admin.delete(`/api/contacts/${contact.id}`)).statusCode).toBe(204);

    const log = await entries({ target: `contact:${contact.id}` });
    expect(log.map((e) => e.action)).toEqual([
      'contact.created',
      'contact.updated',
      'contact.assigned',
      'contact.unassigned',
      'contact.deleted',
    ]);
    expect(log.slice(0, 4).every((e) => e.actorUserId === supervisorId)).toBe(true);
    expect(log[0]!.details).toMatchObject({ name: 'Audited', teamId: red.id });
    expect(log[1]!.details).toEqual({
      name: 'Audited',
      teamId: red.id,
      changes: { company: { from: 'Acme', to: 'Acme Corp' } },
      descriptionChanged: true,
    });
    expect(JSON.stringify(log[1])).not.toContain('secret plans');
    expect(log[2]!.details).toMatchObject({ userId: agentId, active: true });
    expect(log[3]!.details).toMatchObject({ userId: agentId });
    expect(log[4]!.actor).not.toBe(log[0]!.actor);
  });

  it('writes nothing for a change that did not happen', async () => {
    const shared = (await admin.post('/api/contacts', { name: 'Shared' })).json();
    expect((await supervisor.patch(`/api/contacts/${shared.id}`, { name: 'Taken' })).statusCode).toBe(403);
    expect((await admin.patch(`/api/contacts/${shared.id}`, { phoneNumbers: ['nope'] })).statusCode).toBe(
      400,
    );
    expect((await entries({ target: `contact:${shared.id}` })).map((e) => e.action)).toEqual([
      'contact.created',
    ]);
  });
});

describe('refused requests in the audit log', () => {
  it('records a 403 from the access hook with the actor, method, route pattern, parameters and status', async () => {
    const contact = (await admin.post('/api/contacts', { name: 'Not yours' })).json();
    const refused = await agent.patch(`/api/contacts/${contact.id}`, { name: 'Mine' });
    expect(refused.statusCode).toBe(403);
    const entry = await eventually(async () =>
      (await entries({ action: 'access.refused' })).find(
        (e) => (e.details.params as { id?: string }).id === contact.id,
      ),
    );
    expect(entry).toEqual({
      action: 'access.refused',
      actorUserId: agentId,
      actor: agentLabel,
      target: 'route:PATCH /api/contacts/:id',
      details: {
        method: 'PATCH',
        route: '/api/contacts/:id',
        status: 403,
        params: { id: contact.id },
        requestId: expect.any(String),
      },
    });
  });

  it('records a 403 decided by the data (a contact out of scope)', async () => {
    const contact = (await admin.post('/api/contacts', { name: 'Out of scope' })).json();
    expect((await agent.get(`/api/contacts/${contact.id}`)).statusCode).toBe(403);
    await eventually(async () =>
      (await entries({ action: 'access.refused' })).find(
        (e) => e.actorUserId === agentId && (e.details.params as { id?: string }).id === contact.id,
      ),
    );
  });

  it('does not count a missing token (401) or an allowed request as a refusal', async () => {
    const before = (await entries({ action: 'access.refused' })).length;
    expect((await apiClient(t.app).get('/api/contacts')).statusCode).toBe(401);
    expect((await agent.get('/api/contacts')).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await entries({ action: 'access.refused' })).toHaveLength(before);
  });

  it('answers the refusal as usual when the audit write fails', async () => {
    await sql`ALTER TABLE audit_log ADD CONSTRAINT no_refusals CHECK (action <> 'access.refused') NOT VALID`.execute(
      t.db,
    );
    try {
      const refused = await agent.post('/api/contacts', { name: 'Nope' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('forbidden');
      expect((await agent.get('/api/contacts')).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await sql`ALTER TABLE audit_log DROP CONSTRAINT no_refusals`.execute(t.db);
    }
  });
});
