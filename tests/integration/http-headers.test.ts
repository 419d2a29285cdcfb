import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, insertUser, login, type TestApp } from '../helpers/test-app.js';

/** A stand-in for `vite build webphone`: an index.html and one hashed asset. */
let webphoneDir: string;
let t: TestApp;
const sipWsUrl = 'wss://asterisk.example.com:8089/ws';

beforeAll(async () => {
  webphoneDir = mkdtempSync(join(tmpdir(), 'webphone-headers-'));
  mkdirSync(join(webphoneDir, 'assets'));
  writeFileSync(join(webphoneDir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(webphoneDir, 'assets', 'index-Bq3x9Z1a.js'), 'console.log(1)');
  t = await createTestApp({ config: { WEBPHONE_DIR: webphoneDir, SIP_WS_URL: sipWsUrl } });
});
afterAll(async () => {
  await t?.close();
  if (webphoneDir) rmSync(webphoneDir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.server.inject({ url, headers: { host: 'pbx.example.com', ...headers } });

/** `default-src 'self'; img-src 'self' data:` as { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'] }. */
function policy(header: unknown): Record<string, string[]> {
  expect(typeof header, 'a Content-Security-Policy header').toBe('string');
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('the webphone', () => {
  it.each(['/', '/index.html', '/calls/anything'])(
    '%s has the webphone CSP and is revalidated (no-cache)',
    async (url) => {
      const response = await get(url);
      expect(response.statusCode).toBe(200);
      const csp = policy(response.headers['content-security-policy']);
      expect(csp).toEqual({
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'media-src': ["'self'", 'blob:', 'mediastream:'],
        'connect-src': [
          "'self'",
          'wss://asterisk.example.com:8089',
          'ws://pbx.example.com',
          'wss://pbx.example.com',
        ],
        'frame-ancestors': ["'none'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
      });
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cache-control': 'no-cache',
      });
      // HTTP and HTTPS are served side by side on one host: HSTS would break the plain port (it is per host).
      expect(response.headers['strict-transport-security']).toBeUndefined();
    },
  );

  it('hashed assets are cached for a year, immutable', async () => {
    const response = await get('/assets/index-Bq3x9Z1a.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(policy(response.headers['content-security-policy'])['script-src']).toEqual(["'self'"]);
  });

  it('a Host header that is not a host[:port] cannot write into the policy', async () => {
    const response = await get('/', { host: "evil.example; script-src 'unsafe-inline'" });
    expect(response.statusCode).toBe(200);
    const csp = policy(response.headers['content-security-policy']);
    expect(csp['connect-src']).toEqual(["'self'", 'wss://asterisk.example.com:8089']);
    expect(csp['script-src']).toEqual(["'self'"]);
  });
});

describe('the API', () => {
  it('log-in answers, right or wrong, are never stored', async () => {
    const user = await insertUser(t.db, { role: 'agent', username: 'cache-agent' });
    const ok = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username, password: user.password },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const wrong = await t.app.server.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: user.username, password: 'wrong password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['cache-control']).toBe('no-store');
  });

  it('every JSON answer, errors included, is no-store with a nothing-loads CSP', async () => {
    // (An unknown /api path is answered by the webphone's catch-all route, so it carries the webphone's policy.)
    const user = await insertUser(t.db, { role: 'admin', username: 'cache-admin' });
    const auth = await login(t.app, user.username, user.password);
    for (const [url, status] of [
      ['/api/users', 200],
      ['/api/users/me/sip-credentials', 200],
      ['/api/no-such-thing', 404],
    ] as const) {
      const response = await get(url, auth);
      expect(response.statusCode, url).toBe(status);
      expect(response.headers['cache-control'], url).toBe('no-store');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      if (status === 200) {
        expect(policy(response.headers['content-security-policy'])['default-src'], url).toEqual(["'none'"]);
      }
    }
    expect((await get('/api/users')).headers['cache-control']).toBe('no-store');
  });
});

describe('Swagger UI at /api/docs', () => {
  it('has its own policy: own scripts only, inline styles and data: images allowed', async () => {
    const page = await get('/api/docs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui-bundle.js');
    const csp = policy(page.headers['content-security-policy']);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp['img-src']).toEqual(["'self'", 'data:']);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    const script = await get('/api/docs/static/swagger-ui-bundle.js');
    expect(script.statusCode).toBe(200);
    expect(policy(script.headers['content-security-policy'])['script-src']).toEqual(["'self'"]);
  });

  it('its JSON is no-store like the rest of /api', async () => {
    const json = await get('/api/docs/json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['cache-control']).toBe('no-store');
  });
});

describe('no built webphone (npm start straight after npm ci)', () => {
  it('GET / says the webphone is not built and what to run; the API still answers', async () => {
    const bare = await createTestApp({ config: { WEBPHONE_DIR: join(tmpdir(), 'no-webphone-here') } });
    try {
      const page = await bare.app.server.inject({ url: '/' });
      expect(page.statusCode).toBe(503);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('npm run build');
      expect((await bare.app.server.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
