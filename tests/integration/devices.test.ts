import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, countRows, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: ApiClient;
let agent: ApiClient;
let agentId: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await userWithClient(t.app, t.db, { role: 'admin' })).api;
  const a = await userWithClient(t.app, t.db, { role: 'agent' });
  agent = a.api;
  agentId = a.user.id;
});
afterAll(async () => t?.close());

const deviceKeys = ['createdAt', 'hotdesk', 'id', 'location', 'name', 'ownerUserId', 'updatedAt'];

describe('devices', () => {
  it('creates a device with a generated SIP password that no response shows', async () => {
    const response = await admin.post('/api/devices', {
      id: 'lobby',
      name: 'Lobby phone',
      location: 'Ground floor',
    });
    expect(response.statusCode).toBe(201);
    expect(Object.keys(response.json()).sort()).toEqual(deviceKeys);
    expect(response.json()).toMatchObject({
      id: 'lobby',
      hotdesk: false,
      ownerUserId: null,
      location: 'Ground floor',
    });
    const row = await t.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', 'lobby')
      .executeTakeFirstOrThrow();
    expect(row.sip_password).toMatch(/^[\w-]{20}$/);
    for (const client of [admin, agent]) {
      for (const url of ['/api/devices', '/api/devices/lobby']) {
        const body = (await client.get(url)).body;
        expect(body).toContain('lobby');
        expect(body).not.toMatch(/sip|password/i);
        expect(body).not.toContain(row.sip_password);
      }
    }
  });

  it('changes and deletes a device, auditing each write', async () => {
    await admin.post('/api/devices', {
      id: 'desk1',
      name: 'Desk 1',
      hotdesk: true,
      sipPassword: 'desk1-secret',
    });
    const changed = await admin.patch('/api/devices/desk1', {
      ownerUserId: agentId,
      sipPassword: 'other-secret',
    });
    expect(changed.json()).toMatchObject({ id: 'desk1', hotdesk: true, ownerUserId: agentId });
    const row = await t.db
      .selectFrom('devices')
      .select('sip_password')
      .where('id', '=', 'desk1')
      .executeTakeFirstOrThrow();
    expect(row.sip_password).toBe('other-secret');
    expect(
      (await agent.get('/api/devices?ownerUserId=' + agentId)).json().items.map((d: { id: string }) => d.id),
    ).toEqual(['desk1']);
    expect(
      (await agent.get('/api/devices?hotdesk=true')).json().items.map((d: { id: string }) => d.id),
    ).toEqual(['desk1']);
    expect((await admin.delete('/api/devices/desk1')).statusCode).toBe(204);
    expect((await admin.get('/api/devices/desk1')).json().error.code).toBe('no-such-device');
    const actions = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', 'device:desk1')
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['device.created', 'device.updated', 'device.deleted']);
  });

  it.each([
    ['an id that is an extension', { id: '1001', name: 'x' }],
    ['an id ending in -web', { id: 'desk-web', name: 'x' }],
    ['an upper-case id', { id: 'Desk', name: 'x' }],
    ['an unknown field', { id: 'desk9', name: 'x', mac: '00:11' }],
    ['a wrong type', { id: 'desk9', name: 'x', hotdesk: 'yes' }],
    ['a short SIP password', { id: 'desk9', name: 'x', sipPassword: 'short' }],
  ])('rejects %s with 400 and writes nothing', async (_name, body) => {
    const before = await countRows(t.db, 'devices');
    const response = await admin.post('/api/devices', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation-failed');
    expect(await countRows(t.db, 'devices')).toBe(before);
  });

  it('answers 409 device-id-taken for a duplicate id and 404 for an unknown owner', async () => {
    await admin.post('/api/devices', { id: 'kitchen', name: 'Kitchen' });
    const before = await countRows(t.db, 'devices');
    const duplicate = await admin.post('/api/devices', { id: 'kitchen', name: 'Kitchen again' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('device-id-taken');
    const owner = await admin.post('/api/devices', { id: 'nobodys', name: 'x', ownerUserId: randomUUID() });
    expect(owner.json().error.code).toBe('no-such-user');
    expect(await countRows(t.db, 'devices')).toBe(before);
  });

  it('lets only admins write (403), needs a token (401), and answers 404 for unknown devices', async () => {
    const before = await countRows(t.db, 'devices');
    expect((await agent.post('/api/devices', { id: 'mine', name: 'x' })).statusCode).toBe(403);
    expect((await agent.patch('/api/devices/kitchen', { name: 'x' })).statusCode).toBe(403);
    expect((await apiClient(t.app).get('/api/devices')).statusCode).toBe(401);
    expect(await countRows(t.db, 'devices')).toBe(before);
    expect((await admin.patch('/api/devices/ghost', { name: 'x' })).statusCode).toBe(404);
    expect((await admin.delete('/api/devices/ghost')).statusCode).toBe(404);
    expect((await admin.get('/api/devices/NOT_VALID')).statusCode).toBe(400);
  });
});
