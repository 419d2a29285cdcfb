import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import type { TestDatabase } from '../helpers/test-db.js';

const token = 'metrics-token-0123456789';

let open: TestApp & { database: TestDatabase };
let guarded: TestApp;
beforeAll(async () => {
  // A trusted proxy at 10.0.0.5: its X-Forwarded-For sets request.ip, which /metrics must not believe.
  open = await createTestApp({ config: { TRUSTED_PROXIES: ['10.0.0.5'] } });
  guarded = await createTestApp({ database: open.database, config: { METRICS_TOKEN: token } });
});
afterAll(async () => {
  await guarded?.close();
  await open?.close();
});

const scrape = (t: TestApp, remoteAddress: string, headers: Record<string, string> = {}) =>
  t.app.server.inject({ url: '/metrics', remoteAddress, headers });

describe('/metrics without METRICS_TOKEN', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])(
    'answers a client on this host (%s)',
    async (ip) => {
      const response = await scrape(open, ip);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('pbx_http_requests_total');
    },
  );

  it.each([
    ['another host', '192.0.2.10', {}],
    [
      'another host claiming loopback in X-Forwarded-For (from the trusted proxy)',
      '10.0.0.5',
      { 'x-forwarded-for': '127.0.0.1' },
    ],
    ['a request relayed by a proxy on this host', '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }],
    ['a request relayed with Forwarded', '127.0.0.1', { forwarded: 'for=203.0.113.9' }],
  ])('refuses %s with 403 forbidden', async (_name, ip, headers: Record<string, string>) => {
    const response = await scrape(open, ip, headers);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      error: { code: 'forbidden', message: '/metrics answers only this host unless METRICS_TOKEN is set' },
    });
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
  it.skipIf(!external)(
    'over a real socket: loopback is answered, this host’s LAN address is refused',
    async () => {
      const address = new URL(await open.app.server.listen({ port: 0, host: '0.0.0.0' }));
      const viaLoopback = await fetch(`http://127.0.0.1:${address.port}/metrics`);
      expect(viaLoopback.status).toBe(200);
      const viaLan = await fetch(`http://${external}:${address.port}/metrics`);
      expect(viaLan.status).toBe(403);
      expect(((await viaLan.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    },
  );
});

describe('/metrics with METRICS_TOKEN', () => {
  it('answers the right bearer token from anywhere', async () => {
    const response = await scrape(guarded, '192.0.2.10', { authorization: `Bearer ${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('pbx_http_requests_total');
  });

  it.each([
    ['no token, even from loopback', '127.0.0.1', {}],
    ['a wrong token', '192.0.2.10', { authorization: 'Bearer metrics-token-wrong-guess' }],
    ['the token with a suffix', '192.0.2.10', { authorization: `Bearer ${token}x` }],
    ['the token as Basic auth', '192.0.2.10', { authorization: `Basic ${token}` }],
  ])('refuses %s with 401 unauthorized', async (_name, ip, headers: Record<string, string>) => {
    const response = await scrape(guarded, ip, headers);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  });
});
