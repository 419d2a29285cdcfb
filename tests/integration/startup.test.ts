import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from '../helpers/telephony.js';
import { redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

/** The real entry point (`npm start`), with a given environment; its output kept line by line. */
function startController(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'controller/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      HTTP_HOST: '127.0.0.1',
      ARI_URL: 'http://127.0.0.1:1',
      HTTPS_PORT: '0',
      JWT_SECRET_FILE: join(mkdtempSync(join(tmpdir(), 'startup-')), 'jwt-secret'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...String(chunk).split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // pino writes JSON lines: read their messages as a person reading the log would.
  const readable = (line: string) => {
    try {
      return String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
    } catch {
      return line;
    }
  };
  return { child, lines, exited, text: () => lines.map(readable).join('\n') };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const readyz = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/readyz`)
    .then((r) => r.json())
    .catch(() => null)) as {
    checks: Record<string, string>;
  } | null;

let database: TestDatabase;
const running: ChildProcess[] = [];
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await database?.drop();
});

describe('starting the controller', () => {
  it('with Redis unreachable: keeps running, says so in one line naming REDIS_URL, /readyz says redis down', async () => {
    const port = await freePort();
    const run = startController({
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:1',
      HTTP_PORT: String(port),
    });
    running.push(run.child);
    await eventually(async () => (await readyz(port))?.checks.redis === 'down', 15_000, '/readyz answers');
    expect((await readyz(port))?.checks).toMatchObject({ postgres: 'up', redis: 'down' });
    expect(run.text()).toMatch(
      /REDIS_URL \(redis:\/\/127\.0\.0\.1:1[^)]*\): connect ECONNREFUSED[^\n]*retrying/,
    );
    expect(run.text()).not.toMatch(/MaxRetriesPerRequestError|\n\s+at /);
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    await run.exited;
  }, 30_000);

  it('with a database that does not exist: one line naming DATABASE_URL, retrying, no stack trace', async () => {
    const port = await freePort();
    const wrong = new URL(database.url);
    wrong.pathname = '/no_such_database_here';
    const run = startController({
      DATABASE_URL: wrong.toString(),
      REDIS_URL: redisUrl,
      HTTP_PORT: String(port),
    });
    running.push(run.child);
    await eventually(() => /DATABASE_URL/.test(run.text()), 15_000, 'the database line');
    expect(run.text()).toMatch(
      /DATABASE_URL \(postgres:\/\/[^)]*no_such_database_here\): database "no_such_database_here" does not exist; retrying in \d+ s/,
    );
    expect(run.text()).not.toMatch(/migration unknown failed|\n\s+at /);
    expect((await readyz(port))?.checks.postgres).toBe('down');
    run.child.kill('SIGTERM');
    await run.exited;
  }, 30_000);

  it('with the port in use: one line naming HTTP_PORT, exit 1', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const run = startController({
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        HTTP_PORT: String(port),
      });
      running.push(run.child);
      expect(await run.exited).toBe(1);
      expect(run.text()).toContain(`HTTP_PORT: 127.0.0.1:${port} is already in use`);
      expect(run.text()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('with a published JWT_SECRET: refuses to start, saying how to fix it', async () => {
    const run = startController({
      DATABASE_URL: database.url,
      JWT_SECRET: 'change-me-change-me-change-me-change-me',
    });
    running.push(run.child);
    expect(await run.exited).toBe(1);
    expect(run.text()).toMatch(/JWT_SECRET: is a published example.*Unset it/);
  }, 30_000);

  it('HTTPS: makes a self-signed certificate on first start and keeps it; the API and WebSocket answer over TLS', async () => {
    const tlsDir = join(mkdtempSync(join(tmpdir(), 'startup-tls-')), 'tls');
    const secretFile = join(mkdtempSync(join(tmpdir(), 'startup-')), 'jwt-secret');
    const start = async () => {
      const [port, httpsPort] = [await freePort(), await freePort()];
      const run = startController({
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        HTTP_PORT: String(port),
        HTTPS_PORT: String(httpsPort),
        TLS_DIR: tlsDir,
        TLS_HOSTNAMES: 'pbx.example.lan,192.0.2.10',
        JWT_SECRET_FILE: secretFile,
      });
      running.push(run.child);
      await eventually(() => run.text().includes('serving HTTPS'), 20_000, 'HTTPS up');
      return { run, httpsPort };
    };

    const first = await start();
    expect(first.run.text()).toContain(`made a self-signed certificate in ${join(tlsDir, 'pbx.crt')}`);
    const cert = readFileSync(join(tlsDir, 'pbx.crt'), 'utf8');
    const parsed = new X509Certificate(cert);
    expect(parsed.subjectAltName).toContain('DNS:pbx.example.lan');
    expect(parsed.subjectAltName).toContain('IP Address:192.0.2.10');
    expect(statSync(join(tlsDir, 'pbx.key')).mode & 0o777).toBe(0o600);

    // Trusting exactly that certificate (not every one), as a browser told to trust it would.
    const health = await httpsGet(first.httpsPort, '/healthz', cert);
    expect(health.status).toBe(200);
    // The WebSocket upgrade reaches the same app over TLS: without a ticket it is refused by the events gateway.
    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`wss://localhost:${first.httpsPort}/api/events`, { ca: cert });
      socket.on('close', (code) => resolve(code));
      socket.on('error', reject);
    });
    expect(refused).toBe(4401);
    // A client that does not trust it is refused (it is not a certificate anyone else signed).
    await expect(httpsGet(first.httpsPort, '/healthz')).rejects.toThrow(/self[- ]signed|certificate/i);
    first.run.child.kill('SIGTERM');
    await first.run.exited;

    const second = await start();
    expect(second.run.text()).not.toContain('made a self-signed certificate');
    expect(readFileSync(join(tlsDir, 'pbx.crt'), 'utf8')).toBe(cert);
    expect((await httpsGet(second.httpsPort, '/healthz', cert)).status).toBe(200);
    second.run.child.kill('SIGTERM');
    await second.run.exited;
  }, 60_000);

  it('HTTPS: only one of TLS_CERT_FILE and TLS_KEY_FILE is a setting error', async () => {
    const run = startController({ DATABASE_URL: database.url, TLS_CERT_FILE: '/nowhere/pbx.crt' });
    running.push(run.child);
    expect(await run.exited).toBe(1);
    expect(run.text()).toContain('TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  }, 30_000);
});

/** GET over HTTPS to localhost, trusting only `ca` (when given). */
function httpsGet(port: number, path: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: 'localhost', port, path, ca, servername: 'localhost' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += String(chunk)));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
