import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

interface Pair {
  token: string;
  refreshToken: string;
  expiresIn: number;
}

const signIn = async (username: string, password: string): Promise<Pair> => {
  const response = await t.app.server.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
  });
  expect(response.statusCode).toBe(200);
  return response.json<Pair>();
};
const bearer = (pair: Pair) => apiClient(t.app, { authorization: `Bearer ${pair.token}` });
const me = async (pair: Pair) => (await bearer(pair).get('/api/users/me')).statusCode;
const refresh = (refreshToken: string) =>
  t.app.server.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });

describe('sessions and token revocation', () => {
  it('gives short access tokens and a refresh token; the login answer is never cached', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    const response = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username, password: user.password },
    });
    const pair = response.json<Pair>();
    expect(pair).toMatchObject({
      token: expect.stringMatching(/^ey/),
      refreshToken: expect.stringMatching(/^ey/),
      expiresIn: 900,
    });
    expect(response.headers['cache-control']).toMatch(/no-store/);
  });

  it('audits log-ins, failed log-ins and log-outs (without the password)', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username, password: 'guess-1' },
    });
    const pair = await signIn(user.username, user.password);
    await bearer(pair).post('/api/auth/logout', {});
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id', 'details'])
      .where('target', '=', `user:${user.id}`)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.action, r.actor_user_id])).toEqual([
      ['auth.login-failed', user.id],
      ['auth.login', user.id],
      ['auth.logout', user.id],
    ]);
    expect(JSON.stringify(rows)).not.toContain('guess-1');
  });

  it('POST /api/auth/logout ends that session at once, and only that one', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    const phone = await signIn(user.username, user.password);
    const laptop = await signIn(user.username, user.password);
    const out = await bearer(phone).post('/api/auth/logout', {});
    expect(out.statusCode).toBe(204);
    expect(await me(phone)).toBe(401);
    expect((await bearer(phone).get('/api/users/me')).json().error.message).toMatch(/logged out/);
    expect((await refresh(phone.refreshToken)).statusCode).toBe(401);
    expect(await me(laptop)).toBe(200);
  });

  it('logout everywhere ends every session of the user', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    const one = await signIn(user.username, user.password);
    const two = await signIn(user.username, user.password);
    expect((await bearer(one).post('/api/auth/logout', { everywhere: true })).statusCode).toBe(204);
    expect([await me(one), await me(two)]).toEqual([401, 401]);
    expect((await refresh(two.refreshToken)).statusCode).toBe(401);
  });

  it('a password change ends the old tokens (they do not work for their remaining lifetime)', async () => {
    const admin = await insertUser(t.db, { role: 'admin' });
    const user = await insertUser(t.db, { role: 'agent' });
    const adminApi = bearer(await signIn(admin.username, admin.password));
    const old = await signIn(user.username, user.password);
    expect(
      (await adminApi.patch(`/api/users/${user.id}`, { password: 'a brand new password' })).statusCode,
    ).toBe(200);
    expect(await me(old)).toBe(401);
    expect((await refresh(old.refreshToken)).statusCode).toBe(401);
    expect(await me(await signIn(user.username, 'a brand new password'))).toBe(200);
  });

  it('a demotion ends the old tokens; a rename does not', async () => {
    const admin = await insertUser(t.db, { role: 'admin' });
    const other = await insertUser(t.db, { role: 'admin' });
    const adminApi = bearer(await signIn(admin.username, admin.password));
    const old = await signIn(other.username, other.password);
    await adminApi.patch(`/api/users/${other.id}`, { displayName: 'Still admin' });
    expect(await me(old)).toBe(200);
    await adminApi.patch(`/api/users/${other.id}`, { role: 'agent' });
    expect(await me(old)).toBe(401);
    expect((await bearer(old).post('/api/users', { username: 'x' })).statusCode).toBe(401);
  });

  it('a refresh token works once: a replayed one ends the whole session', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    const first = await signIn(user.username, user.password);
    const second = (await refresh(first.refreshToken)).json<Pair>();
    expect(await me(second)).toBe(200);
    const replay = await refresh(first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('unauthorized');
    expect(await me(second)).toBe(401);
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
  });

  it('refuses a refresh token as an access token, and an access token as a refresh token', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    const pair = await signIn(user.username, user.password);
    expect(
      (await apiClient(t.app, { authorization: `Bearer ${pair.refreshToken}` }).get('/api/users/me'))
        .statusCode,
    ).toBe(401);
    expect((await refresh(pair.token)).statusCode).toBe(401);
  });

  it('refuses a validly signed token whose session does not exist (a forged sid) and old-style tokens', async () => {
    const user = await insertUser(t.db, { role: 'admin' });
    const key = new TextEncoder().encode(t.config.JWT_SECRET);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setExpirationTime('5m')
        .sign(key);
    const forged = await sign({ typ: 'access', sid: '00000000-0000-4000-8000-000000000000', tv: 0 });
    const oldStyle = await sign({ principal: { userId: user.id, role: 'admin' } });
    for (const token of [forged, oldStyle]) {
      expect(
        (await apiClient(t.app, { authorization: `Bearer ${token}` }).get('/api/users/me')).statusCode,
      ).toBe(401);
    }
  });
});

describe('old sessions', () => {
  it('a log-in sweeps that user’s sessions that ended more than a day ago, and keeps the rest', async () => {
    const user = await insertUser(t.db, { role: 'agent' });
    const old = await signIn(user.username, user.password);
    const recent = await signIn(user.username, user.password);
    await bearer(recent).post('/api/auth/logout', {});
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    const oldId = (
      await t.db
        .selectFrom('auth_sessions')
        .select('id')
        .where('user_id', '=', user.id)
        .orderBy('created_at')
        .executeTakeFirstOrThrow()
    ).id;
    await t.db.updateTable('auth_sessions').set({ revoked_at: dayAgo }).where('id', '=', oldId).execute();
    expect(await me(old)).toBe(401);
    await signIn(user.username, user.password);
    const left = await t.db.selectFrom('auth_sessions').select('id').where('user_id', '=', user.id).execute();
    expect(left).toHaveLength(2);
    expect(left.map((r) => r.id)).not.toContain(oldId);
  });
});
