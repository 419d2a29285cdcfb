import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../controller/db/database.js';
import { createTestApp, insertUser, login, type TestApp } from '../helpers/test-app.js';

/** A second app sharing the first one's secret, whose database is a closed port: PostgreSQL is down. */
let live: TestApp;
let outage: TestApp;
let authorization: { authorization: string };

beforeAll(async () => {
  live = await createTestApp();
  const user = await insertUser(live.db, { role: 'admin', username: 'outage-admin' });
  authorization = await login(live.app, user.username, user.password);
  const url = 'postgres://postgres@127.0.0.1:1/down';
  const db = createDb(url);
  outage = await createTestApp({ database: { url, db, drop: () => db.destroy() } });
});
afterAll(async () => {
  await outage?.close();
  await outage?.db.destroy();
  await live?.close();
});

const unavailable = {
  error: { code: 'database-unavailable', message: 'the database is unavailable, try again later' },
};

describe('PostgreSQL outage', () => {
  it('an authenticated route answers 503 database-unavailable, not 500', async () => {
    for (const url of ['/api/users', '/api/users/me', '/api/teams', '/api/contacts']) {
      const response = await outage.app.server.inject({ url, headers: authorization });
      expect(response.statusCode, url).toBe(503);
      expect(response.json(), url).toEqual(unavailable);
    }
  });

  it('a write answers 503 too', async () => {
    const response = await outage.app.server.inject({
      method: 'POST',
      url: '/api/teams',
      headers: authorization,
      payload: { name: 'Nobody' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual(unavailable);
  });

  it('log-in answers 503 database-unavailable', async () => {
    const response = await outage.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'outage-admin', password: 'whatever-it-is' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual(unavailable);
  });

  it('/readyz reports postgres down', async () => {
    const ready = await outage.app.server.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks).toMatchObject({ postgres: 'down' });
  });
});
