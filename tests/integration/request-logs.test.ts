import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../controller/app.js';
import { testConfig } from '../../controller/config.js';
import { createLogger } from '../../controller/log.js';
import { insertUser, login, redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { connectEvents, eventsUrl, ticket } from '../helpers/ws-client.js';

const logged: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    logged.push(String(chunk));
    done();
  },
});
let database: TestDatabase;
let app: App;
const connections: Redis[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  connections.push(new Redis(redisUrl), new Redis(redisUrl));
  const config = testConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `logs-${Date.now()}:`,
  });
  app = await buildApp({
    config,
    logger: createLogger('info', sink),
    db: database.db,
    redis: connections[0]!,
    redisSubscriber: connections[1]!,
  });
  await app.server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  for (const connection of connections) connection.disconnect();
  await database?.drop();
});

describe('request logs at the default level', () => {
  it('never carry a token or a ticket, in the URL or in headers', async () => {
    const user = await insertUser(database.db, { role: 'agent' });
    const headers = await login(app, user.username, user.password);
    const token = headers.authorization.slice('Bearer '.length);
    const oneTime = await ticket(app, headers);
    const byTicket = connectEvents(eventsUrl(app, `?ticket=${oneTime}`));
    await byTicket.next((m) => m.type === 'snapshot');
    byTicket.close();
    const byToken = connectEvents(eventsUrl(app, `?token=${token}&x=1`));
    await byToken.closed;
    await app.server.inject({ method: 'GET', url: `/api/users/me?token=${token}`, headers });
    const text = logged.join('');
    expect(text).toContain('/api/events?ticket=[redacted]');
    expect(text).toContain('/api/events?token=[redacted]&x=1');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]!);
    expect(text).not.toContain(oneTime);
  });
});
