import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, insertTeam, type ApiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, login, type TestApp } from '../helpers/test-app.js';
import { connectEvents, eventsUrl, ticket, type EventsClient } from '../helpers/ws-client.js';

// Two instances on one database and Redis prefix: a change made through one reaches the other's sockets.
let a: Awaited<ReturnType<typeof createTestApp>>;
let b: TestApp;
let admin: ApiClient;
const clients: EventsClient[] = [];
const isType = (type: string) => (message: { type: string }) => message.type === type;

beforeAll(async () => {
  a = await createTestApp({ config: { WS_RECHECK_SECONDS: 3600 } });
  b = await createTestApp({
    database: a.database,
    config: { REDIS_PREFIX: a.config.REDIS_PREFIX, WS_RECHECK_SECONDS: 3600 },
  });
  await a.app.server.listen({ port: 0, host: '127.0.0.1' });
  await b.app.server.listen({ port: 0, host: '127.0.0.1' });
  const root = await insertUser(a.db, { role: 'admin' });
  admin = apiClient(a.app, await login(a.app, root.username, root.password));
});
afterAll(async () => {
  for (const client of clients) client.close();
  await b?.close();
  await a?.close();
});

/** A user with a socket open on instance B (by ticket) and their API client on instance A. */
async function watcher(role: 'admin' | 'supervisor' | 'agent', teamId: string | null = null) {
  const user = await insertUser(a.db, { role, teamId });
  const headers = await login(a.app, user.username, user.password);
  const client = connectEvents(eventsUrl(b.app, `?ticket=${await ticket(b.app, headers)}`));
  clients.push(client);
  await client.next(isType('snapshot'));
  return { user, headers, client };
}

const createAgent = async (teamId: string | null = null) => {
  const extension = String(5000 + Math.floor(Math.random() * 4000));
  const response = await admin.post('/api/users', {
    username: `agent${extension}`,
    displayName: 'New agent',
    extension,
    role: 'agent',
    teamId,
    password: 'a good password',
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string }>();
};

describe('a WebSocket never keeps more access than its user has now', () => {
  it('an admin demoted to agent is disconnected (4401) and sees no other user afterwards', async () => {
    const { user, client } = await watcher('admin');
    await createAgent();
    await client.next(isType('user.created'));
    await admin.patch(`/api/users/${user.id}`, { role: 'agent' });
    expect(await client.closed).toBe(4401);
    const seen = client.messages.length;
    await createAgent();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.messages).toHaveLength(seen);
  });

  it('a deleted user is disconnected (4401)', async () => {
    const { user, client } = await watcher('admin');
    await admin.delete(`/api/users/${user.id}`);
    expect(await client.closed).toBe(4401);
  });

  it('a socket whose session logs out (on another instance) is disconnected', async () => {
    const { headers, client } = await watcher('agent');
    expect((await apiClient(a.app, headers).post('/api/auth/logout', {})).statusCode).toBe(204);
    expect(await client.closed).toBe(4401);
  });

  it('a supervisor moved to another team stops seeing the old team at once, without reconnecting', async () => {
    const support = await insertTeam(a.db, 'Support');
    const sales = await insertTeam(a.db, 'Sales');
    const { user, client } = await watcher('supervisor', support.id);
    const first = await createAgent(support.id);
    expect(
      (await client.next((m) => m.type === 'user.created' && (m.data as { id: string }).id === first.id))
        .type,
    ).toBe('user.created');
    await admin.patch(`/api/users/${user.id}`, { teamId: sales.id });
    const second = await createAgent(support.id);
    const third = await createAgent(sales.id);
    await client.next((m) => m.type === 'user.created' && (m.data as { id: string }).id === third.id);
    expect(client.messages.some((m) => (m.data as { id?: string })?.id === second.id)).toBe(false);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('a socket opened with a bearer token closes when the token expires', async () => {
    const short = await createTestApp({
      database: a.database,
      config: { REDIS_PREFIX: a.config.REDIS_PREFIX, JWT_TTL_SECONDS: 2 },
    });
    try {
      await short.app.server.listen({ port: 0, host: '127.0.0.1' });
      const user = await insertUser(a.db, { role: 'admin' });
      const client = connectEvents(
        eventsUrl(short.app),
        await login(short.app, user.username, user.password),
      );
      clients.push(client);
      await client.next(isType('snapshot'));
      const started = Date.now();
      expect(await client.closed).toBe(4401);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await short.close();
    }
  });

  it('a change made outside the API is caught by the periodic re-check', async () => {
    const quick = await createTestApp({
      database: a.database,
      config: { REDIS_PREFIX: a.config.REDIS_PREFIX, WS_RECHECK_SECONDS: 1 },
    });
    try {
      await quick.app.server.listen({ port: 0, host: '127.0.0.1' });
      const user = await insertUser(a.db, { role: 'admin' });
      const headers = await login(quick.app, user.username, user.password);
      const client = connectEvents(eventsUrl(quick.app, `?ticket=${await ticket(quick.app, headers)}`));
      clients.push(client);
      await client.next(isType('snapshot'));
      await a.db.updateTable('users').set({ token_version: 99 }).where('id', '=', user.id).execute();
      expect(await client.closed).toBe(4401);
    } finally {
      await quick.close();
    }
  });

  it('a ticket opens one socket, once', async () => {
    const user = await insertUser(a.db, { role: 'agent' });
    const once = await ticket(a.app, await login(a.app, user.username, user.password));
    const first = connectEvents(eventsUrl(a.app, `?ticket=${once}`));
    const second = connectEvents(eventsUrl(a.app, `?ticket=${once}`));
    clients.push(first, second);
    const outcomes = await Promise.race([
      Promise.all([first.next(isType('snapshot')).then(() => 'open'), second.closed]),
      Promise.all([first.closed, second.next(isType('snapshot')).then(() => 'open')]),
    ]);
    expect(outcomes.sort()).toEqual([4401, 'open'].sort());
  });
});
