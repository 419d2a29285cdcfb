import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../controller/app.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    config: { LOGIN_FREE_FAILURES: 3, LOGIN_USER_FREE_FAILURES: 6, LOGIN_ADDRESS_MAX_FAILURES: 12 },
  });
});
afterAll(async () => t?.close());

const loginRequest = (username: string, password: string, ip = '10.0.0.1') =>
  t.app.server.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    remoteAddress: ip,
  });

describe('POST /api/auth/login', () => {
  it('returns a token and the user without secrets', async () => {
    const user = await insertUser(t.db, { role: 'agent', username: 'alice' });
    const response = await loginRequest('Alice', user.password);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.token).toMatch(/^ey/);
    expect(body.user).toMatchObject({ username: 'alice', role: 'agent', extension: user.extension });
    // The tokens are random base64: they may spell "sip" or "pin" by chance; the user and the field names may not.
    expect(JSON.stringify({ ...body, token: undefined, refreshToken: undefined })).not.toMatch(
      /password|sip|pin/i,
    );
  });

  it('rejects a wrong password with 401 invalid-credentials', async () => {
    await insertUser(t.db, { role: 'agent', username: 'bob' });
    const response = await loginRequest('bob', 'wrong', '10.0.0.2');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: { code: 'invalid-credentials', message: 'wrong username or password' },
    });
  });

  it('counts only failures: many correct log-ins from one address all succeed', async () => {
    const user = await insertUser(t.db, { role: 'agent', username: 'carol' });
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => loginRequest('carol', user.password, '10.1.0.1')),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(25).fill(200));
  });

  it('slows a guesser of one account from one address, doubling the wait, with Retry-After', async () => {
    const user = await insertUser(t.db, { role: 'agent', username: 'dave' });
    for (let i = 0; i < 3; i++) expect((await loginRequest('dave', 'nope', '10.2.0.1')).statusCode).toBe(401);
    const slowed = await loginRequest('dave', user.password, '10.2.0.1');
    expect(slowed.statusCode).toBe(429);
    expect(slowed.json().error.code).toBe('rate-limited');
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await loginRequest('dave', user.password, '10.2.0.1')).statusCode).toBe(200);
  });

  it('never locks the owner out from an address they used before, whatever an attacker elsewhere does', async () => {
    const user = await insertUser(t.db, { role: 'agent', username: 'erin' });
    expect((await loginRequest('erin', user.password, '10.3.0.1')).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) await loginRequest('erin', `guess-${i}`, `10.4.0.${i % 2}`);
    expect((await loginRequest('erin', user.password, '10.3.0.1')).statusCode).toBe(200);
    // From an address never used before the owner waits seconds (the cap is 30 s), not minutes.
    const elsewhere = await loginRequest('erin', user.password, '10.3.0.99');
    if (elsewhere.statusCode === 429)
      expect(Number(elsewhere.headers['retry-after'])).toBeLessThanOrEqual(30);
    else expect(elsewhere.statusCode).toBe(200);
  });

  it('caps failures from one address across usernames', async () => {
    for (let i = 0; i < 12; i++) await loginRequest(`nobody-${i}`, 'x', '10.5.0.1');
    const capped = await loginRequest('someone-else', 'x', '10.5.0.1');
    expect(capped.statusCode).toBe(429);
    expect(capped.json().error.message).toMatch(/from this address/);
    expect(Number(capped.headers['retry-after'])).toBeGreaterThan(60);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const proxied = await createTestApp({
      config: { TRUSTED_PROXIES: ['10.9.9.9'], LOGIN_ADDRESS_MAX_FAILURES: 2 },
    });
    try {
      const attempt = (from: string, forwarded: string) =>
        proxied.app.server.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'ghost', password: 'x' },
          remoteAddress: from,
          headers: { 'x-forwarded-for': forwarded },
        });
      // Through the trusted proxy each client address counts on its own.
      for (const client of ['192.0.2.1', '192.0.2.1', '192.0.2.2', '192.0.2.3']) {
        expect((await attempt('10.9.9.9', client)).statusCode).toBe(401);
      }
      // An untrusted sender cannot pick its address: every forged header counts against its real one.
      expect((await attempt('10.8.8.8', '192.0.2.10')).statusCode).toBe(401);
      expect((await attempt('10.8.8.8', '192.0.2.11')).statusCode).toBe(401);
      expect((await attempt('10.8.8.8', '192.0.2.12')).statusCode).toBe(429);
      expect((await attempt('10.9.9.9', '192.0.2.1')).statusCode).toBe(429);
      expect((await attempt('10.9.9.9', '192.0.2.4')).statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('says the limiter is unavailable (503), not "too many attempts", while Redis is away', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true });
    down.on('error', () => undefined);
    const app = await buildApp({
      config: t.config,
      logger: pino({ level: 'silent' }),
      db: t.db,
      redis: down,
      redisSubscriber: down,
    });
    try {
      const user = await insertUser(t.db, { role: 'agent' });
      const response = await app.server.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: user.username, password: user.password },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error).toMatchObject({
        code: 'login-unavailable',
        message: expect.stringMatching(/limiter/),
      });
    } finally {
      await app.close();
      down.disconnect();
    }
  });

  it('rejects unknown fields, wrong types and oversized bodies with 400', async () => {
    const unknown = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'x', password: 'y', admin: true },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('validation-failed');
    const wrongType = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 1, password: 'y' },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.message).toMatch(/username/);
    const malformed = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(malformed.statusCode).toBe(400);
    const huge = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'x'.repeat(100_000), password: 'y' },
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.message).toMatch(/too large/);
  });
});

describe('health', () => {
  it('/healthz is up and /readyz reports each dependency', async () => {
    expect((await t.app.server.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.server.inject('/readyz');
    expect(ready.json().checks).toMatchObject({ postgres: 'up', redis: 'up' });
  });

  it('/metrics speaks Prometheus text', async () => {
    const metrics = await t.app.server.inject('/metrics');
    expect(metrics.body).toContain('pbx_http_requests_total');
    expect(metrics.body).toContain('nodejs_eventloop_lag');
    expect(metrics.body).toContain('pbx_websocket_clients');
  });
});
