import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let supervisor: ApiClient;
let agent: ApiClient;
let ext: string[];

beforeAll(async () => {
  t = await createTestApp();
  admin = (await userWithClient(t.app, t.db, { role: 'admin' })).api;
  supervisor = (await userWithClient(t.app, t.db, { role: 'supervisor' })).api;
  agent = (await userWithClient(t.app, t.db, { role: 'agent' })).api;
  ext = [];
  for (let i = 0; i < 3; i++) ext.push((await insertUser(t.db, { role: 'agent' })).extension);
});
afterAll(async () => t?.close());

const auditOf = async (target: string) =>
  (
    await t.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target', '=', target)
      .orderBy('id')
      .execute()
  ).map((row) => row.action);

const pagingRows = async () =>
  Promise.all(
    (
      [
        'paging_numbers',
        'paging_groups',
        'paging_group_members',
        'paging_zones',
        'paging_zone_groups',
      ] as const
    ).map((table) => countRows(t.db, table)),
  );

describe('paging groups', () => {
  it('creates a group with the defaults, reads, changes and deletes it, auditing each write', async () => {
    const created = await admin.post('/api/paging/groups', {
      number: 810,
      name: ' Sales desk ',
      members: [ext[1], ext[0]],
    });
    expect(created.statusCode).toBe(201);
    const group = created.json();
    expect(group).toEqual({
      id: expect.any(String),
      number: '810',
      name: 'Sales desk',
      members: [ext[1], ext[0]],
      everyone: false,
      priority: 'normal',
      busyPolicy: 'skip',
      beep: true,
      maxSeconds: 60,
    });
    expect((await agent.get(`/api/paging/groups/${group.id}`)).json()).toEqual(group);
    expect((await supervisor.get('/api/paging/groups')).json().items).toContainEqual(group);

    const changed = await admin.patch(`/api/paging/groups/${group.id}`, {
      number: '811',
      members: [ext[2]],
      priority: 'emergency',
      busyPolicy: 'force',
      beep: false,
      maxSeconds: 30,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({
      ...group,
      number: '811',
      members: [ext[2]],
      priority: 'emergency',
      busyPolicy: 'force',
      beep: false,
      maxSeconds: 30,
    });
    // The old number is free again.
    expect((await admin.post('/api/paging/groups', { number: '810', name: 'Reuse' })).statusCode).toBe(201);

    expect((await admin.delete(`/api/paging/groups/${group.id}`)).statusCode).toBe(204);
    expect((await agent.get(`/api/paging/groups/${group.id}`)).json().error.code).toBe(
      'no-such-paging-group',
    );
    expect(await auditOf(`paging-group:${group.id}`)).toEqual([
      'paging-group.created',
      'paging-group.updated',
      'paging-group.deleted',
    ]);
    expect((await admin.post('/api/paging/groups', { number: '811', name: 'Free again' })).statusCode).toBe(
      201,
    );
  });

  it('writes are for admins only', async () => {
    const body = { number: '820', name: 'Nope' };
    expect((await supervisor.post('/api/paging/groups', body)).statusCode).toBe(403);
    expect((await agent.post('/api/paging/groups', body)).statusCode).toBe(403);
  });

  it('names every unknown member extension (400) and changes nothing', async () => {
    const before = await pagingRows();
    const response = await admin.post('/api/paging/groups', {
      number: '830',
      name: 'Ghosts',
      members: [ext[0], '4999', '5998'],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('unknown-members');
    expect(response.json().error.message).toContain('4999, 5998');
    expect(await pagingRows()).toEqual(before);
  });

  it.each([
    ['a number outside 800-899', { number: '799', name: 'x' }],
    ['a user extension as number', { number: '1001', name: 'x' }],
    ['no name', { number: '831' }],
    ['an unknown field', { number: '831', name: 'x', colour: 'red' }],
    ['a bad priority', { number: '831', name: 'x', priority: 'urgent' }],
    ['a bad busy policy', { number: '831', name: 'x', busyPolicy: 'drop' }],
    ['a zero maximum', { number: '831', name: 'x', maxSeconds: 0 }],
    ['a member twice', { number: '831', name: 'x', members: ['2000', '2000'] }],
    ['a malformed member', { number: '831', name: 'x', members: ['12'] }],
  ])('refuses %s with 400 and changes nothing', async (_what, body) => {
    const before = await pagingRows();
    const response = await admin.post('/api/paging/groups', body);
    expect(response.statusCode).toBe(400);
    expect(await pagingRows()).toEqual(before);
  });

  it('refuses an empty change and an unknown member on PATCH, leaving the group as it was', async () => {
    const group = (
      await admin.post('/api/paging/groups', { number: '832', name: 'Stable', members: [ext[0]] })
    ).json();
    expect((await admin.patch(`/api/paging/groups/${group.id}`, {})).statusCode).toBe(400);
    const bad = await admin.patch(`/api/paging/groups/${group.id}`, { name: 'Changed', members: ['4998'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('unknown-members');
    expect((await admin.get(`/api/paging/groups/${group.id}`)).json()).toEqual(group);
  });

  it('a member whose user is deleted leaves the group; a new extension follows the user', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    const group = (
      await admin.post('/api/paging/groups', {
        number: '833',
        name: 'Churn',
        members: [user.extension, ext[0]],
      })
    ).json();
    await t.db.updateTable('users').set({ extension: '6543' }).where('id', '=', user.id).execute();
    expect((await admin.get(`/api/paging/groups/${group.id}`)).json().members).toEqual(['6543', ext[0]]);
    await t.db.deleteFrom('users').where('id', '=', user.id).execute();
    expect((await admin.get(`/api/paging/groups/${group.id}`)).json().members).toEqual([ext[0]]);
  });
});

describe('paging numbers', () => {
  it('are unique across groups and zones: 409, from the database even when two requests race', async () => {
    const first = await admin.post('/api/paging/groups', { number: '840', name: 'First' });
    expect(first.statusCode).toBe(201);
    const asGroup = await admin.post('/api/paging/groups', { number: '840', name: 'Second' });
    expect(asGroup.statusCode).toBe(409);
    expect(asGroup.json().error.code).toBe('paging-number-taken');
    const asZone = await admin.post('/api/paging/zones', { number: '840', name: 'Zone' });
    expect(asZone.statusCode).toBe(409);

    const raced = await Promise.all([
      admin.post('/api/paging/groups', { number: '841', name: 'Racer group' }),
      admin.post('/api/paging/zones', { number: '841', name: 'Racer zone' }),
      admin.post('/api/paging/groups', { number: '841', name: 'Racer group 2' }),
    ]);
    expect(raced.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);

    const other = (await admin.post('/api/paging/groups', { number: '842', name: 'Other' })).json();
    const moved = await admin.patch(`/api/paging/groups/${other.id}`, { number: '840' });
    expect(moved.statusCode).toBe(409);
    expect((await admin.get(`/api/paging/groups/${other.id}`)).json().number).toBe('842');
  });
});

describe('paging zones', () => {
  it('creates, reads, changes and deletes a zone of groups, auditing each write', async () => {
    const a = (
      await admin.post('/api/paging/groups', { number: '850', name: 'A', members: [ext[0], ext[1]] })
    ).json();
    const b = (
      await admin.post('/api/paging/groups', { number: '851', name: 'B', members: [ext[1], ext[2]] })
    ).json();
    const created = await admin.post('/api/paging/zones', {
      number: '860',
      name: 'Ground floor',
      groupIds: [a.id, b.id],
    });
    expect(created.statusCode).toBe(201);
    const zone = created.json();
    expect(zone).toEqual({
      id: expect.any(String),
      number: '860',
      name: 'Ground floor',
      groupIds: [a.id, b.id],
    });
    expect((await agent.get(`/api/paging/zones/${zone.id}`)).json()).toEqual(zone);
    expect((await supervisor.get('/api/paging/zones')).json().items).toContainEqual(zone);

    const inUse = await admin.delete(`/api/paging/groups/${a.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.code).toBe('paging-group-in-use');

    const changed = await admin.patch(`/api/paging/zones/${zone.id}`, { number: '861', groupIds: [b.id] });
    expect(changed.json()).toEqual({ ...zone, number: '861', groupIds: [b.id] });
    expect((await admin.delete(`/api/paging/groups/${a.id}`)).statusCode).toBe(204);
    expect((await admin.delete(`/api/paging/zones/${zone.id}`)).statusCode).toBe(204);
    expect((await agent.get(`/api/paging/zones/${zone.id}`)).json().error.code).toBe('no-such-paging-zone');
    expect(await auditOf(`paging-zone:${zone.id}`)).toEqual([
      'paging-zone.created',
      'paging-zone.updated',
      'paging-zone.deleted',
    ]);
  });

  it('names unknown groups (400) and refuses bad bodies, changing nothing', async () => {
    const before = await pagingRows();
    const ghost = '00000000-0000-4000-8000-000000000000';
    const response = await admin.post('/api/paging/zones', { number: '870', name: 'Z', groupIds: [ghost] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('unknown-groups');
    expect(response.json().error.message).toContain(ghost);
    for (const body of [
      { number: '870' },
      { number: '900', name: 'Z' },
      { number: '870', name: 'Z', groupIds: ['x'] },
    ]) {
      expect((await admin.post('/api/paging/zones', body)).statusCode).toBe(400);
    }
    expect((await supervisor.post('/api/paging/zones', { number: '870', name: 'Z' })).statusCode).toBe(403);
    expect(await pagingRows()).toEqual(before);
  });
});
