import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import type { PresenceView } from '../../controller/features/presence/presence.types.js';
import { apiClient, insertTeam, type ApiClient } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';
import { createTestApp, login, type TestApp } from '../helpers/test-app.js';
import { connectEvents, eventsUrl, type EventMessage } from '../helpers/ws-client.js';

/**
 * Presence through the API and the WebSocket: who sees whom, the status text, `presence.changed` on a client within a
 * second, the snapshot, and a second controller instance (no ARI of its own) that reads what the first computed.
 */
let t: Telephony;
let second: TestApp;
const users: Record<string, TestUser> = {};
const api: Record<string, ApiClient> = {};
const phones: Record<string, SimPhone> = {};

// Team A: agents 1001 and 1002, supervisor 1005; team B: agent 1003; no team: agent 1004; admin 1009.
beforeAll(async () => {
  t = await startTelephony();
  const teamA = await insertTeam(t.db);
  const teamB = await insertTeam(t.db);
  for (const ext of ['1001', '1002', '1003', '1004']) users[ext] = await t.addUser('agent', ext);
  users['1005'] = await t.addUser('supervisor', '1005');
  users['1009'] = await t.addUser('admin', '1009');
  const team = (exts: string[], id: string) =>
    t.db.updateTable('users').set({ team_id: id }).where('extension', 'in', exts).execute();
  await team(['1001', '1002', '1005'], teamA.id);
  await team(['1003'], teamB.id);
  await t.start();
  for (const ext of Object.keys(users)) api[ext] = await clientFor(t.app, users[ext]!);
  phones['1001'] = await t.phone('1001', 'manual');
  phones['1002'] = await t.phone('1002', 'manual');
  await eventually(() => t.app.presence.stateOf(users['1002']!.id) === 'available', 2000, '1002 available');
  // Another instance on the same database and Redis, without the ARI app (a second controller behind the balancer).
  second = await createTestApp({
    database: { url: t.config.DATABASE_URL, db: t.db, drop: async () => undefined },
    config: { REDIS_PREFIX: t.config.REDIS_PREFIX },
  });
  await t.app.server.listen({ host: '127.0.0.1', port: 0 });
  await second.app.server.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

const idOf = (ext: string) => users[ext]!.id;
const extensionsSeenBy = async (ext: string) =>
  (await api[ext]!.get('/api/presence')).json<{ items: PresenceView[] }>().items.map((v) => v.extension);

describe('who sees whose presence', () => {
  it('admins and supervisors everyone; agents themselves and their team; an agent without a team only themselves', async () => {
    const everyone = ['1001', '1002', '1003', '1004', '1005', '1009'];
    expect(await extensionsSeenBy('1009')).toEqual(everyone);
    expect(await extensionsSeenBy('1005')).toEqual(everyone);
    expect(await extensionsSeenBy('1001')).toEqual(['1001', '1002', '1005']);
    expect(await extensionsSeenBy('1003')).toEqual(['1003']);
    expect(await extensionsSeenBy('1004')).toEqual(['1004']);
  });

  it('GET /api/presence/{userId}: the same rule; 404 for nobody', async () => {
    expect((await api['1001']!.get(`/api/presence/${idOf('1002')}`)).json()).toMatchObject({
      extension: '1002',
      state: 'available',
    });
    const refused = await api['1001']!.get(`/api/presence/${idOf('1003')}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await api['1005']!.get(`/api/presence/${idOf('1003')}`)).statusCode).toBe(200);
    const ghost = await api['1009']!.get('/api/presence/00000000-0000-4000-8000-000000000000');
    expect(ghost.statusCode).toBe(404);
    expect((await api['1009']!.get('/api/presence/not-a-uuid')).statusCode).toBe(400);
  });
});

describe('the free-text status', () => {
  const url = (ext: string) => `/api/users/${idOf(ext)}/presence-status`;
  const statusOf = async (ext: string) =>
    (await api['1009']!.get(`/api/presence/${idOf(ext)}`)).json<PresenceView>().status;

  it('the user sets it (trimmed) and it shows in their presence at once; blank or null clears it', async () => {
    const set = await api['1001']!.put(url('1001'), { status: '  at lunch ' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ userId: idOf('1001'), status: 'at lunch' });
    expect(await statusOf('1001')).toBe('at lunch');
    expect((await api['1001']!.put(url('1001'), { status: '   ' })).json().status).toBeNull();
    await api['1001']!.put(url('1001'), { status: 'back at 3' });
    expect((await api['1001']!.put(url('1001'), { status: null })).json().status).toBeNull();
    expect(await statusOf('1001')).toBeNull();
  });

  it('admins set anyone\u2019s; nobody else\u2019s, not even their supervisor', async () => {
    expect((await api['1009']!.put(url('1002'), { status: 'on leave' })).statusCode).toBe(200);
    expect(await statusOf('1002')).toBe('on leave');
    for (const ext of ['1001', '1005']) {
      const refused = await api[ext]!.put(url('1002'), { status: 'hacked' });
      expect(refused.statusCode).toBe(403);
    }
    expect(await statusOf('1002')).toBe('on leave');
    await api['1009']!.put(url('1002'), { status: null });
  });

  it('bad bodies are 400 naming the problem, and change nothing', async () => {
    await api['1001']!.put(url('1001'), { status: 'in a meeting' });
    const bodies: [unknown, string][] = [
      [{ status: 'x'.repeat(101) }, 'longer than 100'],
      [{ status: 'two\nlines' }, 'control characters'],
      [{ status: 42 }, 'status'],
      [{}, 'status'],
      [{ status: 'ok', extra: 1 }, 'extra'],
    ];
    for (const [body, problem] of bodies) {
      const response = await api['1001']!.put(url('1001'), body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.body).toContain(problem);
    }
    expect(await statusOf('1001')).toBe('in a meeting');
    await api['1001']!.put(url('1001'), { status: null });
    const ghost = await api['1009']!.put('/api/users/00000000-0000-4000-8000-000000000000/presence-status', {
      status: 'x',
    });
    expect(ghost.statusCode).toBe(404);
  });
});

describe('the WebSocket', () => {
  it('the snapshot holds presence (as the viewer may see it)', async () => {
    const ws = connectEvents(eventsUrl(t.app), api['1001']!.headers);
    const snapshot = await ws.next((m) => m.type === 'snapshot');
    const presence = (snapshot.data as { presence: PresenceView[] }).presence;
    expect(presence.map((v) => [v.extension, v.state])).toEqual([
      ['1001', 'available'],
      ['1002', 'available'],
      ['1005', 'offline'],
    ]);
    ws.close();
  });

  it('presence.changed reaches clients within a second of the registration, only those who may see it', async () => {
    const teamMate = connectEvents(eventsUrl(t.app), api['1002']!.headers);
    const stranger = connectEvents(eventsUrl(t.app), api['1003']!.headers);
    await teamMate.next((m) => m.type === 'snapshot');
    await stranger.next((m) => m.type === 'snapshot');
    const started = Date.now();
    phones['1001']!.unregister();
    const offline = await teamMate.next(
      (m) => m.type === 'presence.changed' && (m.data as PresenceView).state === 'offline',
      1000,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(offline.data).toMatchObject({ userId: idOf('1001'), state: 'offline' });
    phones['1001'] = await t.phone('1001', 'manual');
    await teamMate.next(
      (m) => m.type === 'presence.changed' && (m.data as PresenceView).state === 'available',
    );
    expect(stranger.messages.filter((m) => m.type === 'presence.changed')).toEqual([]);
    teamMate.close();
    stranger.close();
  });
});

describe('a second instance without the ARI app', () => {
  const secondApi = async (ext: string) =>
    apiClient(second.app, await login(second.app, users[ext]!.username, users[ext]!.password));

  it('answers the API and its snapshot from what the ARI instance stored in Redis', async () => {
    const admin = await secondApi('1009');
    await eventually(
      async () =>
        (await admin.get(`/api/presence/${idOf('1001')}`)).json<PresenceView>().state === 'available',
      2000,
      '1001 available on the second instance',
    );
    const { items } = (await admin.get('/api/presence')).json<{ items: PresenceView[] }>();
    expect(items.map((v) => [v.extension, v.state, v.stale])).toEqual([
      ['1001', 'available', false],
      ['1002', 'available', false],
      ['1003', 'offline', false],
      ['1004', 'offline', false],
      ['1005', 'offline', false],
      ['1009', 'offline', false],
    ]);
    const ws = connectEvents(eventsUrl(second.app), admin.headers);
    const snapshot = await ws.next((m) => m.type === 'snapshot');
    expect((snapshot.data as { presence: PresenceView[] }).presence).toHaveLength(6);
    ws.close();
  });

  it('its clients get presence.changed through Redis, and its memory (stateOf) follows', async () => {
    const admin = await secondApi('1009');
    const ws = connectEvents(eventsUrl(second.app), admin.headers);
    await ws.next((m) => m.type === 'snapshot');
    const call = phones['1002']!.dial('1001');
    const ringing = await ws.next(
      (m: EventMessage) =>
        m.type === 'presence.changed' &&
        (m.data as PresenceView).userId === idOf('1001') &&
        (m.data as PresenceView).state === 'ringing',
    );
    expect(ringing.data).toMatchObject({ extension: '1001' });
    expect(second.app.presence.stateOf(idOf('1001'))).toBe('ringing');
    // DND set through the second instance: the ARI instance computes it, the second one hears it back.
    await admin.put(`/api/users/${idOf('1004')}/dnd`, { enabled: true });
    phones['1002']!.hangup(call);
    await eventually(
      () => second.app.presence.stateOf(idOf('1001')) === 'available',
      2000,
      'available again',
    );
    expect(t.app.presence.viewOf(idOf('1004'))?.dnd).toBe(true);
    // Status set on the second instance reaches the computing one.
    await (await secondApi('1004')).put(`/api/users/${idOf('1004')}/presence-status`, { status: 'wfh' });
    await eventually(() => t.app.presence.viewOf(idOf('1004'))?.status === 'wfh', 2000, 'status computed');
    ws.close();
  });
});
