import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, login, type TestApp } from '../helpers/test-app.js';
import { connectEvents, eventsUrl, ticket, type EventsClient } from '../helpers/ws-client.js';

let a: Awaited<ReturnType<typeof createTestApp>>;
let b: TestApp;
let adminA: ApiClient;
let token: string;
const clients: EventsClient[] = [];

const connect = (app: TestApp, query = '', headers: Record<string, string> = {}) => {
  const client = connectEvents(eventsUrl(app.app, query), headers);
  clients.push(client);
  return client;
};
const isType = (type: string) => (message: { type: string }) => message.type === type;

beforeAll(async () => {
  a = await createTestApp();
  // A second controller instance on the same database and Redis prefix, as in a two-instance deployment.
  b = await createTestApp({ database: a.database, config: { REDIS_PREFIX: a.config.REDIS_PREFIX } });
  await a.app.server.listen({ port: 0, host: '127.0.0.1' });
  await b.app.server.listen({ port: 0, host: '127.0.0.1' });
  const admin = await insertUser(a.db, { role: 'admin', username: 'admin', extension: '1000' });
  const headers = await login(a.app, admin.username, admin.password);
  adminA = apiClient(a.app, headers);
  token = headers.authorization.slice('Bearer '.length);
});
afterAll(async () => {
  for (const client of clients) client.close();
  await b?.close();
  await a?.close();
});

describe('WebSocket /api/events', () => {
  it.each([
    ['no credential', '', {}],
    ['a bad ticket', '?ticket=not-a-ticket', {}],
    ['a token in the URL (it would end up in logs)', `?token=TOKEN`, {}],
    ['a bad bearer token', '', { authorization: 'Bearer not-a-token' }],
  ])('closes with 4401 given %s', async (_name, query, headers) => {
    const client = connect(a, query.replace('TOKEN', token), headers);
    expect(await client.closed).toBe(4401);
    expect(client.messages).toEqual([]);
  });

  it('sends a snapshot first, then user.created after a POST, without secrets', async () => {
    const client = connect(a, `?ticket=${await ticket(a.app, adminA.headers)}`);
    const snapshot = await client.next(() => true);
    expect(snapshot).toMatchObject({ type: 'snapshot', at: expect.any(String), data: expect.any(Object) });
    expect(client.messages[0]).toBe(snapshot);
    const created = await adminA.post('/api/users', {
      username: 'eve',
      displayName: 'Eve',
      extension: '1005',
      role: 'agent',
      password: 'a good password',
      sipPassword: 'eves-sip-secret',
    });
    expect(created.statusCode).toBe(201);
    const event = await client.next(isType('user.created'));
    expect(event).toEqual({ type: 'user.created', at: expect.any(String), data: created.json() });
    expect(JSON.stringify(event)).not.toContain('eves-sip-secret');
  });

  it('accepts the token in an Authorization header and carries updates and deletes', async () => {
    const client = connect(a, '', { authorization: `Bearer ${token}` });
    await client.next(isType('snapshot'));
    const user = await insertUser(a.db, { role: 'agent' });
    await adminA.patch(`/api/users/${user.id}`, { extension: '4321' });
    expect((await client.next(isType('user.updated'))).data).toMatchObject({
      id: user.id,
      extension: '4321',
    });
    await adminA.delete(`/api/users/${user.id}`);
    expect((await client.next(isType('user.deleted'))).data).toMatchObject({ id: user.id });
  });

  it('delivers an event published by instance A to a client of instance B (through Redis)', async () => {
    const client = connect(b, `?ticket=${await ticket(b.app, adminA.headers)}`);
    await client.next(isType('snapshot'));
    const created = await adminA.post('/api/devices', { id: 'lobby', name: 'Lobby phone' });
    expect(created.statusCode).toBe(201);
    const event = await client.next(isType('device.created'));
    expect(event.data).toEqual(created.json());
    const user = await adminA.post('/api/users', {
      username: 'frank',
      displayName: 'Frank',
      extension: '1006',
      role: 'agent',
      password: 'a good password',
    });
    expect((await client.next(isType('user.created'))).data).toEqual(user.json());
  });

  it('shows an agent changes to their own user only, never to other users', async () => {
    const agent = await insertUser(a.db, { role: 'agent' });
    const agentHeaders = await login(a.app, agent.username, agent.password);
    const client = connect(a, '', agentHeaders);
    await client.next(isType('snapshot'));
    const other = await insertUser(a.db, { role: 'agent' });
    await adminA.patch(`/api/users/${other.id}`, { displayName: 'Someone else' });
    await adminA.patch(`/api/users/${agent.id}`, { displayName: 'Renamed agent' });
    const event = await client.next(isType('user.updated'));
    expect(event.data).toMatchObject({ id: agent.id, displayName: 'Renamed agent' });
    expect(client.messages.filter(isType('user.updated'))).toHaveLength(1);
  });
});
