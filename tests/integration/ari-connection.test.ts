import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAriConnection, type AriConnectionOptions } from '../../controller/ari/ari-connection.js';
import { ariReadiness } from '../../controller/ari/ari-readiness.js';
import type { PbxFact } from '../../controller/ari/pbx.facts.js';
import type { HangupReason } from '../../controller/ari/pbx.port.js';
import { startAriDouble, type AriDouble } from '../ari-double/index.js';
import { TRANSLATED_EVENT_TYPES } from '../../controller/ari/fact-translator.js';

/** Log lines as objects, to see what the connection reported. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Waits for a condition that an event makes true (checked on every fact and connection change, and on a tick). */
async function until(what: string, condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const fastBackoff = { initialMs: 10, maxMs: 50 };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function double(): Promise<AriDouble> {
  const ari = await startAriDouble();
  cleanups.push(() => ari.close());
  return ari;
}

/** A connection with fast retries, recording what it reports. */
function connect(url: string, overrides: Partial<AriConnectionOptions> = {}) {
  const { logger, lines } = capturedLogger();
  const connection = createAriConnection({
    url,
    username: 'ari',
    password: 'ari',
    app: 'pbx',
    logger,
    backoff: fastBackoff,
    ...overrides,
  });
  const facts: PbxFact[] = [];
  const log = { connected: 0, disconnected: 0 };
  connection.onFact((fact) => void facts.push(fact));
  connection.onConnected(() => void log.connected++);
  connection.onDisconnected(() => void log.disconnected++);
  cleanups.push(() => connection.stop());
  return { connection, facts, log, lines };
}

/** The app's event filter: only what becomes a fact, and ApplicationReplaced. */
const allowedEvents = [...TRANSLATED_EVENT_TYPES, 'ApplicationReplaced'].map((type) => ({ type }));

async function app(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/ari/applications/pbx`, {
    headers: { authorization: `Basic ${btoa('ari:ari')}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('the ARI connection against the double', () => {
  it('connects, lets only the events that are facts in, subscribes to endpoints and turns a phone call into facts', async () => {
    const ari = await double();
    ari.seedEndpoint('1001', { password: 'secret' });
    const { connection, facts, log } = connect(ari.url);
    await connection.start();
    expect(connection.state()).toBe('connected');
    expect(log.connected).toBe(1);
    expect(await app(ari.url)).toMatchObject({ events_allowed: allowedEvents, endpoint_ids: ['PJSIP'] });
    expect(await ariReadiness(connection)()).toBe(true);

    const phone = await ari.registerPhone('1001', { password: 'secret' });
    phone.dial('700');
    await until('StasisStart', () => facts.some((f) => f.kind === 'channel-entered'));
    const entered = facts.find((f) => f.kind === 'channel-entered')!;
    expect(entered).toMatchObject({
      args: ['700'],
      channel: { state: 'Ring', dialplan: { context: 'from-internal', exten: '700' } },
    });

    const channelId = entered.kind === 'channel-entered' ? entered.channel.id : '';
    expect(await connection.pbx.answer(channelId)).toEqual({ ok: true, value: undefined });
    expect(await connection.pbx.getVariable(channelId, 'PBX_UNSET')).toEqual({ ok: true, value: '' });
    expect(await connection.pbx.setVariable(channelId, 'PBX_CALL', 'c-1')).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await connection.pbx.getVariable(channelId, 'PBX_CALL')).toEqual({ ok: true, value: 'c-1' });
    phone.hangup();
    await until('StasisEnd', () => facts.some((f) => f.kind === 'channel-left'));
    expect(await connection.pbx.answer(channelId)).toMatchObject({ ok: false, reason: 'gone' });
    expect(await connection.pbx.getVariable(channelId, 'PBX_CALL')).toMatchObject({
      ok: false,
      reason: 'gone',
    });
    expect(facts.map((f) => f.kind)).not.toContain('ChannelVarset');
  });

  it('subscribes to PJSIP endpoints once one exists (Asterisk refuses it before), and says so to its handlers', async () => {
    const ari = await double();
    const { connection, facts } = connect(ari.url, { endpointRetryMs: 20 });
    let told = 0;
    connection.onEndpointEvents(() => void told++);
    await connection.start();
    expect(connection.state()).toBe('connected');
    // A fresh Asterisk with no PJSIP endpoint: 422 "Event source does not exist" (measured on 22.10.1).
    expect(await app(ari.url)).toMatchObject({ endpoint_ids: [] });
    expect(told).toBe(0);
    ari.seedEndpoint('1001', { password: 'secret' });
    let subscribed = false;
    const check = setInterval(
      // A poll still in flight when the double closes fails: that is no finding.
      () =>
        void app(ari.url)
          .then((a) => (subscribed = String(a.endpoint_ids) === 'PJSIP'))
          .catch(() => undefined),
      10,
    );
    cleanups.push(() => clearInterval(check));
    await until('subscribed to endpoint:PJSIP', () => subscribed && told === 1);
    await ari.registerPhone('1001', { password: 'secret' });
    await until('the registration as a fact', () =>
      facts.some((f) => f.kind === 'endpoint-state-changed' && f.resource === '1001' && f.state === 'online'),
    );
    // Subscribed, it stops trying.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(told).toBe(1);
  });

  it('ignores an unknown event type, logs it once, and keeps delivering facts', async () => {
    const ari = await double();
    const { connection, facts, lines } = connect(ari.url);
    await connection.start();
    // As from an Asterisk that ignored the event filter: every type reaches the socket.
    await fetch(`${ari.url}/ari/applications/pbx/eventFilter`, {
      method: 'PUT',
      headers: { authorization: `Basic ${btoa('ari:ari')}`, 'content-type': 'application/json' },
      body: '{}',
    });
    ari.emitRaw({ type: 'ChannelFrobnicated', channel: { id: 'x' } });
    ari.emitRaw({ type: 'ChannelFrobnicated', channel: { id: 'y' } });
    ari.emitRaw({ type: 'StasisStart' });
    ari.emitRaw({ type: 'DeviceStateChanged', device_state: { name: 'Stasis:park-701', state: 'INUSE' } });
    await until('the fact after the unknown events', () =>
      facts.some((f) => f.kind === 'device-state-changed'),
    );
    expect(lines.filter((l) => l.type === 'ChannelFrobnicated')).toHaveLength(1);
    expect(facts.map((f) => f.kind)).toEqual(['channel-entered', 'device-state-changed']);
    expect(connection.state()).toBe('connected');
  });

  it('reconnects after the socket drops, reporting disconnected then connected', async () => {
    const ari = await double();
    const { connection, log } = connect(ari.url);
    await connection.start();
    ari.dropWebSockets();
    await until('onDisconnected', () => log.disconnected === 1);
    await until('onConnected again', () => log.connected === 2);
    expect(connection.state()).toBe('connected');
    expect(await app(ari.url)).toMatchObject({ events_allowed: allowedEvents });
  });

  it("starts while Asterisk is down, keeps retrying past ari-client's 10 attempts, and connects when it comes up", async () => {
    const port = await freePort();
    const { connection, log, lines } = connect(`http://127.0.0.1:${port}`);
    await connection.start();
    expect(connection.state()).not.toBe('connected');
    expect(await ariReadiness(connection)()).toBe(false);
    // ari-client's own backoff-func gives up after 10 retries (100 ms doubling to 10 s: ~43 s). Ours has no limit;
    // with a 10-50 ms backoff, 15 failures take well under a second instead of the 43 s.
    await until(
      '15 failed attempts',
      () => lines.filter((l) => l.msg === 'ARI connect attempt failed').length >= 15,
    );
    const ari = await double();
    await forward(port, new URL(ari.url).port);
    await until('connected', () => log.connected === 1);
    expect(connection.state()).toBe('connected');
    expect(await ariReadiness(connection)()).toBe(true);
  });

  it('drops a socket whose peer stopped answering pings, and reconnects', async () => {
    const ari = await double();
    const port = await freePort();
    const proxy = await forward(port, new URL(ari.url).port);
    const { connection, log, lines } = connect(`http://127.0.0.1:${port}`, {
      heartbeatMs: 50,
      requestTimeoutMs: 300,
    });
    await connection.start();
    expect(connection.state()).toBe('connected');
    proxy.freeze();
    await until('onDisconnected', () => log.disconnected === 1);
    expect(lines.some((l) => l.msg === 'ARI disconnected' && l.reason === 'no pong from Asterisk')).toBe(
      true,
    );
    // REST's keep-alive connection froze too: the first request after the reconnect times out, the next one opens
    // a fresh connection.
    await until('onConnected again', () => log.connected === 2);
  });

  it('stands by after another connection took the app (ApplicationReplaced), without fighting back', async () => {
    const ari = await double();
    const first = connect(ari.url, { replacedRetryMs: 60_000 });
    await first.connection.start();
    const second = connect(ari.url);
    await second.connection.start();
    await until('the first is replaced', () => first.log.disconnected === 1);
    expect(first.lines.some((l) => l.msg === 'another connection took the ARI app; standing by')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(first.connection.state()).toBe('disconnected');
    expect(first.log.connected).toBe(1);
    expect(second.connection.state()).toBe('connected');
    expect(second.log.disconnected).toBe(0);
  });

  it.each<[HangupReason, number]>([
    ['busy', 486],
    ['unallocated', 404],
    ['unavailable', 480],
    ['no-answer', 480],
    ['congestion', 503],
  ])('hangs up an unanswered caller with %s: the phone gets %i', async (reason, status) => {
    const ari = await double();
    const { connection, facts } = connect(ari.url);
    await connection.start();
    ari.seedEndpoint('1001', { password: 'secret' });
    const phone = await ari.registerPhone('1001', { password: 'secret' });
    const call = phone.dial('1002');
    await until('StasisStart', () => facts.some((f) => f.kind === 'channel-entered'));
    const entered = facts.find((f) => f.kind === 'channel-entered');
    expect(
      await connection.pbx.hangup(entered?.kind === 'channel-entered' ? entered.channel.id : '', reason),
    ).toMatchObject({ ok: true });
    await until('the call ended on the phone', () => call.state === 'closed');
    expect(call.status).toBe(status);
  });

  it('maps ARI answers to outcomes', async () => {
    const ari = await double();
    const { connection } = connect(ari.url);
    await connection.start();
    const { pbx } = connection;
    ari.seedEndpoint('1003', { password: 'x' });
    expect(await pbx.hangup('no-such-channel', 'busy')).toMatchObject({ ok: false, reason: 'gone' });
    expect(
      await pbx.createChannel({ channelId: 'c1', endpoint: 'PJSIP/1003', appArgs: 'outbound' }),
    ).toMatchObject({
      ok: false,
      reason: 'unavailable',
    });
    expect(await pbx.deleteSipObject('endpoint', '1003')).toMatchObject({ ok: false, reason: 'rejected' });
    const bridge = await pbx.createBridge('b1', 'mixing-dtmf', 'call-1');
    expect(bridge).toEqual({
      ok: true,
      value: { id: 'b1', name: 'call-1', type: 'mixing', technology: 'simple_bridge', channelIds: [] },
    });
    expect(await pbx.listBridges()).toMatchObject({ ok: true, value: [{ id: 'b1', name: 'call-1' }] });
    expect(await pbx.destroyBridge('b1')).toEqual({ ok: true, value: undefined });
    await ari.close();
    expect(await pbx.ping()).toMatchObject({ ok: false, reason: 'unreachable' });
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Asterisk "coming up" on a fixed port: a TCP forwarder from `port` to the double (which picks its own port).
 * `freeze()` silently stops every connection open now, as a host that died without closing its sockets.
 */
async function forward(port: number, target: string): Promise<{ freeze(): void }> {
  const sockets = new Set<net.Socket>();
  const pairs: [net.Socket, net.Socket][] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target), '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    freeze() {
      for (const [client, upstream] of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
  };
}
