import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { LOGIN_MAX_ATTEMPTS: 3 } });
});
afterAll(async () => t?.close());

const loginRequest = (username: string, password: string, ip = '10.0.0.1') =>
  t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });

describe('POST /api/auth/login', () => {
  it('returns a token and the user without secrets', async () => {
    const user = await insertUser(t.db, { role: 'agent', username: 'alice' });
    const response = await loginRequest('Alice', user.password);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.token).toMatch(/^ey/);
    expect(body.user).toMatchObject({ username: 'alice', role: 'agent', extension: user.extension });
    expect(JSON.stringify(body)).not.toMatch(/password|sip|pin/i);
  });

  it('rejects a wrong password with 401 invalid-credentials', async () => {
    await insertUser(t.db, { role: 'agent', username: 'bob' });
    const response = await loginRequest('bob', 'wrong', '10.0.0.2');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'invalid-credentials', message: 'wrong username or password' } });
  });

  it('limits attempts per username, even with the right password after the limit', async () => {
    const user = await insertUser(t.db, { role: 'agent', username: 'carol' });
    for (let i = 0; i < 3; i++) expect((await loginRequest('carol', 'nope', `10.1.0.${i}`)).statusCode).toBe(401);
    const blocked = await loginRequest('carol', user.password, '10.1.0.9');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate-limited');
  });

  it('rejects unknown fields, wrong types and oversized bodies with 400', async () => {
    const unknown = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'x', password: 'y', admin: true },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('validation-failed');
    const wrongType = await t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 1, password: 'y' } });
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
