import { request as httpRequest } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../helpers/fixtures.js';
import { hostileString } from '../helpers/hostile-values.js';
import { apiRoutes, routeKey } from '../helpers/route-fixtures.js';
import { createTestApp, insertUser, login, type TestApp } from '../helpers/test-app.js';
import { connectEvents, eventsUrl, ticket, type EventsClient } from '../helpers/ws-client.js';

/**
 * Property: nothing a client sends to `/api/events` (frames of any kind and size, invalid or random JSON, pings; a
 * bad, absent, random or replayed ticket; a broken handshake) answers the upgrade with a 5xx or takes the server
 * down, and a client that did nothing wrong still gets its events afterwards.
 */

let t: TestApp;
let admin: ApiClient;
let token: string;
const opened: EventsClient[] = [];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  const user = await insertUser(t.db, { role: 'admin' });
  const headers = await login(t.app, user.username, user.password);
  admin = apiClient(t.app, headers);
  token = headers.authorization.slice('Bearer '.length);
});
afterAll(async () => {
  for (const client of opened) client.socket.terminate();
  await t?.close();
});

const open = (query = '', headers: Record<string, string> = {}) => {
  const client = connectEvents(eventsUrl(t.app, query), headers);
  opened.push(client);
  return client;
};
const isType = (type: string) => (message: { type: string }) => message.type === type;

/** How a connection attempt ended: the upgrade's refusal status, the socket's close code, or admitted (a snapshot). */
function outcomeOf(query: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(eventsUrl(t.app, query), { headers });
    socket.on('unexpected-response', (req, res) => {
      resolve(`http ${res.statusCode}`);
      req.destroy();
    });
    socket.on('message', () => {
      resolve('admitted');
      socket.close();
    });
    socket.on('close', (code) => resolve(`close ${code}`));
    socket.on('error', () => undefined);
  });
}

let nextExtension = 6100;

/** A client still gets a fresh event (a user created now): the server and its bus are alive. */
async function eventsStillFlow(client: EventsClient) {
  const extension = String(nextExtension++);
  const created = await admin.post('/api/users', {
    username: `after-${extension}`,
    displayName: 'After the fuzz',
    extension,
    role: 'agent',
    password: 'a long enough password',
  });
  expect(created.statusCode).toBe(201);
  await client.next((m) => m.type === 'user.created' && (m.data as { id?: string }).id === created.json().id);
}

describe('WebSocket /api/events under hostile clients', () => {
  let bystander: EventsClient;
  beforeAll(async () => {
    bystander = open(`?ticket=${await ticket(t.app, admin.headers)}`);
    await bystander.next(isType('snapshot'));
  });

  it('publishes user.created (the event these tests wait for)', async () => {
    await eventsStillFlow(bystander);
  });

  it('refuses any credential that is not one (random, hostile, huge tickets and tokens) with 4401 or a 4xx', async () => {
    const credential = fc.oneof(
      fc.record({ ticket: fc.oneof(hostileString, fc.base64String({ minLength: 32, maxLength: 32 })) }),
      fc.record({ bearer: fc.oneof(hostileString, fc.constant(`${token.slice(0, -4)}AAAA`)) }),
    );
    await fc.assert(
      fc.asyncProperty(credential, async (given) => {
        const outcome =
          'ticket' in given
            ? await outcomeOf(`?ticket=${encodeURIComponent(given.ticket.replace(/[\ud800-\udfff]/g, ''))}`)
            : await outcomeOf('', { authorization: `Bearer ${given.bearer.replace(/[^\x21-\x7e]/g, 'x')}` });
        expect(outcome, JSON.stringify(given)).toMatch(/^(close 4401|http 4\d\d)$/);
      }),
      { numRuns: 40 },
    );
    expect(await outcomeOf(`?ticket=${'a'.repeat(10_000)}`)).toMatch(/^(close 4401|http 4\d\d)$/);
    expect(await outcomeOf('?ticket=a&ticket=b')).toBe('close 4401');
    expect(await outcomeOf('?ticket=%E0%A4%A')).toMatch(/^(close 4401|http 400)$/);
    await eventsStillFlow(bystander);
  });

  it('answers an upgrade with a URL over 8 KiB 414 and closes its connection (it was left open)', async () => {
    const port = (t.app.server.server.address() as { port: number }).port;
    const answer = await rawUpgrade(port, `GET /api/events?ticket=${'a'.repeat(10_000)}`);
    expect(answer).toBe('HTTP/1.1 414 URI Too Long');
    await eventsStillFlow(bystander);
  });

  it('answers an upgrade on every REST route of the route table below 500 and closes its connection', async () => {
    const port = (t.app.server.server.address() as { port: number }).port;
    const answers: string[] = [];
    for (const route of apiRoutes(t.app)) {
      const path = route.url.replace(/:\w+/g, '00000000-0000-0000-0000-000000000000');
      const status = await rawUpgrade(port, `${route.method} ${path}`, '{}');
      if (!/^HTTP\/1\.1 [1-4]\d\d /.test(status)) answers.push(`${routeKey(route)}: ${status}`);
    }
    expect(answers).toEqual([]);
    await eventsStillFlow(bystander);
  });

  it('lets a ticket in once: replayed, at once or later, it is 4401', async () => {
    const once = await ticket(t.app, admin.headers);
    const first = open(`?ticket=${once}`);
    await first.next(isType('snapshot'));
    const replays = await Promise.all([1, 2, 3].map(() => outcomeOf(`?ticket=${once}`)));
    expect(replays).toEqual(['close 4401', 'close 4401', 'close 4401']);
    const raced = await ticket(t.app, admin.headers);
    const both = await Promise.all([outcomeOf(`?ticket=${raced}`), outcomeOf(`?ticket=${raced}`)]);
    expect(both.sort()).toEqual(['admitted', 'close 4401']);
    await eventsStillFlow(first);
  });

  it('ignores whatever an admitted client sends (text, binary, random JSON, pings) and keeps sending it events', async () => {
    const fuzzer = open('', { authorization: `Bearer ${token}` });
    await fuzzer.next(isType('snapshot'));
    type Frame = { text: string } | { binary: Buffer } | { ping: true } | { pong: true };
    const frame: fc.Arbitrary<Frame> = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text })),
      fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({ binary: Buffer.from(bytes) })),
      fc.jsonValue({ maxDepth: 4 }).map((value) => ({ text: JSON.stringify(value) })),
      fc
        .constantFrom('{', '{"type":', '[1,]', 'null', '{"type":"subscribe","topics":["*"]}', '\u0000')
        .map((text) => ({ text })),
      fc.constantFrom<Frame>(
        { text: '['.repeat(20_000) + ']'.repeat(20_000) },
        { ping: true },
        { pong: true },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 20 }), async (frames) => {
        for (const f of frames) {
          if ('text' in f) fuzzer.socket.send(f.text);
          else if ('binary' in f) fuzzer.socket.send(f.binary, { binary: true });
          else if ('ping' in f) fuzzer.socket.ping();
          else fuzzer.socket.pong();
        }
        expect(fuzzer.socket.readyState).toBe(WebSocket.OPEN);
      }),
      { numRuns: 30 },
    );
    await eventsStillFlow(fuzzer);
    await eventsStillFlow(bystander);
  });

  it('closes a client whose frame is over the 64 KiB limit (1009), and only that client', async () => {
    const huge = open('', { authorization: `Bearer ${token}` });
    await huge.next(isType('snapshot'));
    huge.socket.send('x'.repeat(2 * 1024 * 1024));
    expect(await huge.closed).toBe(1009);
    // The same while the server still admits it (checks the token, builds the snapshot).
    const early = open('', { authorization: `Bearer ${token}` });
    early.socket.on('open', () => early.socket.send(Buffer.alloc(2 * 1024 * 1024), { binary: true }));
    expect(await early.closed).toBe(1009);
    await eventsStillFlow(bystander);
  });

  it('survives clients that vanish mid-frame or mid-handshake, and broken handshakes (never a 5xx)', async () => {
    const port = (t.app.server.server.address() as { port: number }).port;
    const half = open('', { authorization: `Bearer ${token}` });
    await half.next(isType('snapshot'));
    // A frame header announcing 100 bytes, then 3 of them, then gone.
    const raw = (half.socket as unknown as { _socket: Socket })._socket;
    raw.write(Buffer.from([0x81, 0xe4, 1, 2, 3, 4, 0x61, 0x62, 0x63]));
    raw.destroy();
    await half.closed;
    const handshakes: Record<string, string>[] = [
      { 'sec-websocket-version': '13' },
      { 'sec-websocket-version': '99', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      { 'sec-websocket-version': '13', 'sec-websocket-key': 'short' },
    ];
    const statuses = await Promise.all(handshakes.map((headers) => upgradeStatus(port, headers)));
    for (const status of statuses) expect(status).toBeLessThan(500);
    // Headers that never end.
    const stuck = tcpConnect(port, '127.0.0.1');
    stuck.on('error', () => undefined);
    await new Promise((resolve) =>
      stuck.write(
        'GET /api/events HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n',
        resolve,
      ),
    );
    await eventsStillFlow(bystander);
    stuck.destroy();
  });
});

/** The status of an upgrade request with these headers (the key is missing or wrong, or the version). */
function upgradeStatus(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      port,
      host: '127.0.0.1',
      path: `/api/events`,
      headers: { connection: 'Upgrade', upgrade: 'websocket', authorization: `Bearer ${token}`, ...headers },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * An upgrade request written by hand (`request`: method and path), with an admin's token and `body`: resolves with
 * the status line once the server has closed the connection (a connection it never closes times the test out).
 */
function rawUpgrade(port: number, request: string, body = ''): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (chunk: Buffer) => (got += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got.split('\r\n')[0]!));
    socket.write(
      `${request} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}
