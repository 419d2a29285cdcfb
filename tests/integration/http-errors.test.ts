import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp();
  port = Number(new URL(await t.app.server.listen({ port: 0, host: '127.0.0.1' })).port);
});
afterAll(async () => t?.close());

/** Writes raw bytes to the listening server and reads until it closes the connection. */
function rawRequest(bytes: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      return Number.isNaN(status)
        ? reject(new Error(`no answer: ${JSON.stringify(data)}`))
        : resolve({ status, headers: head, body });
    });
    socket.setTimeout(5000, () => socket.destroy());
  });
}

const login = (headers: Record<string, string>, payload: string) =>
  t.app.server.inject({ method: 'POST', url: '/api/auth/login', headers, payload });

describe('non-JSON bodies', () => {
  it.each([
    ['text/plain', 'username=a&password=b'],
    ['application/x-www-form-urlencoded', 'username=a&password=b'],
    ['application/xml', '<login/>'],
    ['', '{"username":"a","password":"b"}'],
  ])('content-type %j answers 415 unsupported-media-type', async (contentType, payload) => {
    const response = await login({ 'content-type': contentType }, payload);
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      error: { code: 'unsupported-media-type', message: 'content-type must be application/json' },
    });
  });

  it('JSON with a charset is still JSON', async () => {
    const response = await login(
      { 'content-type': 'application/json; charset=utf-8' },
      '{"username":"a","password":"b"}',
    );
    expect(response.statusCode).toBe(401);
  });
});

describe('URLs too long', () => {
  it('a path parameter over the router limit answers 414 uri-too-long in the envelope', async () => {
    const response = await t.app.server.inject({ url: `/api/users/${'a'.repeat(200)}` });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      error: { code: 'uri-too-long', message: 'a path segment of the URL is too long' },
    });
  });

  it('a URL over 8 KiB answers 414 uri-too-long, before authentication', async () => {
    const response = await t.app.server.inject({ url: `/api/users?q=${'a'.repeat(9000)}` });
    expect(response.statusCode).toBe(414);
    expect(response.json().error.code).toBe('uri-too-long');
  });

  it('a malformed %-escape in the path answers 400 malformed-request', async () => {
    const response = await t.app.server.inject({ url: '/api/users/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: { code: 'malformed-request', message: 'the URL is not validly encoded' },
    });
  });
});

describe("Node's HTTP parser errors (a real socket)", () => {
  it('headers over 16 KiB answer 431 headers-too-large in the envelope', async () => {
    const answer = await rawRequest(
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer.status).toBe(431);
    expect(answer.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'headers-too-large', message: 'the request line and headers are larger than 16 KiB' },
    });
  });

  it('a request that is not HTTP answers 400 malformed-request in the envelope', async () => {
    const answer = await rawRequest('GARBAGE\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'malformed-request', message: 'the request is not valid HTTP' },
    });
  });

  it('the server still answers afterwards', async () => {
    const answer = await rawRequest('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(200);
  });
});
