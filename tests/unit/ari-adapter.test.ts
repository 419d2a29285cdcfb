import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { failureReason, toOutcome } from '../../controller/ari/ari-http.js';
import { backoffDelay } from '../../controller/ari/backoff.js';
import { createFactStream } from '../../controller/ari/fact-stream.js';
import type { PbxFact } from '../../controller/ari/pbx.facts.js';

describe('backoffDelay', () => {
  const policy = { initialMs: 500, maxMs: 10_000 };

  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [1, 1, 1000],
    [3, 0.5, 3000],
    [4, 1, 8000],
    [5, 1, 10_000],
    [5, 0, 5000],
    [1000, 1, 10_000],
    [-3, 1, 500],
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, policy, () => random)).toBe(expected);
  });

  it('keeps retrying past the 10 attempts after which ari-client gives up, at the cap', () => {
    const delays = Array.from({ length: 50 }, (_, attempt) => backoffDelay(attempt, policy, () => 0.5));
    expect(delays.at(-1)).toBe(7500);
    expect(delays.every((d) => d > 0 && d <= policy.maxMs)).toBe(true);
  });
});

describe('ARI status to failure reason', () => {
  it.each([
    [404, 'Channel not found', 'gone'],
    [409, 'Channel not in Stasis application', 'gone'],
    [409, 'Channel not in a Stasis application', 'gone'],
    [409, "Bridge isn't playing music", 'conflict'],
    [409, 'Channel cannot be dialed.', 'conflict'],
    [422, 'Channel not in bridge', 'conflict'],
    [422, 'Channel not in Stasis application', 'gone'],
    [400, 'Channel not found', 'gone'],
    [409, 'Bridge with the same bridgeId already exists', 'conflict'],
    [412, 'Channel in invalid state', 'conflict'],
    [500, 'Allocation failed', 'unavailable'],
    [500, 'Unknown device', 'failed'],
    [400, 'Invalid reason for hangup provided', 'rejected'],
    [403, "Could not delete object with id '1001'", 'rejected'],
    [503, '', 'unreachable'],
  ])('%i %s -> %s', (status, message, reason) => {
    expect(failureReason(status, message)).toBe(reason);
  });

  it('reads the message from `message`, or from `error` as Allocation failed has it', () => {
    expect(
      toOutcome({ kind: 'response', status: 500, body: { error: 'Allocation failed' } }, () => 1),
    ).toEqual({
      ok: false,
      reason: 'unavailable',
      message: 'Allocation failed',
    });
    expect(
      toOutcome({ kind: 'response', status: 404, body: { message: 'Channel not found' } }, () => 1),
    ).toMatchObject({ reason: 'gone' });
    expect(toOutcome({ kind: 'response', status: 418, body: null }, () => 1)).toEqual({
      ok: false,
      reason: 'failed',
      message: 'HTTP 418',
    });
  });

  it('maps a network failure to unreachable and a 2xx through the reader', () => {
    expect(toOutcome({ kind: 'unreachable', message: 'fetch failed' }, () => 1)).toEqual({
      ok: false,
      reason: 'unreachable',
      message: 'fetch failed',
    });
    expect(
      toOutcome(
        { kind: 'response', status: 200, body: { value: 'x' } },
        (b) => (b as { value: string }).value,
      ),
    ).toEqual({ ok: true, value: 'x' });
  });
});

function capturingLogger() {
  const lines: { msg: string; type?: string; level: number }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the fact stream', () => {
  const stasisEnd = JSON.stringify({ type: 'StasisEnd', timestamp: 't1', channel: { id: 'c1' } });
  const laterStasisEnd = JSON.stringify({ type: 'StasisEnd', timestamp: 't2', channel: { id: 'c1' } });

  it('logs an unknown event type once, drops it, and goes on delivering facts', async () => {
    const { logger, lines } = capturingLogger();
    const stream = createFactStream(logger);
    const seen: PbxFact[] = [];
    stream.subscribe((fact) => void seen.push(fact));
    for (let i = 0; i < 3; i++)
      expect(stream.push(JSON.stringify({ type: 'ChannelFrobnicated', timestamp: `t${i}` }))).toBe(
        'ChannelFrobnicated',
      );
    stream.push('not json');
    stream.push('not json either');
    stream.push(stasisEnd);
    await flush();
    expect(lines.filter((l) => l.type === 'ChannelFrobnicated')).toHaveLength(1);
    expect(lines.filter((l) => l.type === '(unparsable)')).toHaveLength(1);
    expect(seen.map((f) => f.kind)).toEqual(['channel-left']);
  });

  it('isolates handlers: one that throws or rejects does not stop the others', async () => {
    const { logger, lines } = capturingLogger();
    const stream = createFactStream(logger);
    const seen: string[] = [];
    stream.subscribe(() => {
      throw new Error('sync failure');
    });
    stream.subscribe(async () => {
      throw new Error('async failure');
    });
    const unsubscribe = stream.subscribe((fact) => void seen.push(fact.kind));
    expect(() => stream.push(stasisEnd)).not.toThrow();
    unsubscribe();
    stream.push(laterStasisEnd);
    await flush();
    expect(seen).toEqual(['channel-left']);
    expect(lines.filter((l) => l.msg === 'fact handler failed')).toHaveLength(4);
  });

  it('drops known events that are not facts without a word', () => {
    const { logger, lines } = capturingLogger();
    const stream = createFactStream(logger);
    expect(stream.push(JSON.stringify({ type: 'ChannelVarset', variable: 'X', value: '1' }))).toBe(
      'ChannelVarset',
    );
    expect(lines).toHaveLength(0);
  });

  it('drops a byte-identical copy of a recent message (an endpoint subscription doubles channel events)', async () => {
    const { logger } = capturingLogger();
    const stream = createFactStream(logger);
    const digits: string[] = [];
    stream.subscribe((fact) => void (fact.kind === 'dtmf-received' && digits.push(fact.digit)));
    const dtmf = (digit: string, timestamp: string) =>
      JSON.stringify({
        type: 'ChannelDtmfReceived',
        timestamp,
        digit,
        duration_ms: 180,
        channel: { id: 'c1' },
      });
    for (const message of [
      dtmf('#', 't1'),
      dtmf('#', 't1'),
      dtmf('7', 't2'),
      dtmf('7', 't2'),
      dtmf('7', 't3'),
    ]) {
      stream.push(message);
    }
    await flush();
    expect(digits).toEqual(['#', '7', '7']);
  });

  it('ends every channel once: at its StasisEnd, or at its ChannelDestroyed if it never was in Stasis', async () => {
    const { logger } = capturingLogger();
    const stream = createFactStream(logger);
    const ends: string[] = [];
    stream.subscribe((fact) => void (fact.kind === 'channel-left' && ends.push(fact.channel.id)));
    const destroyed = (id: string) =>
      JSON.stringify({ type: 'ChannelDestroyed', timestamp: `d-${id}`, cause: 17, channel: { id } });
    // c1 entered Stasis and left it; an originated leg c2 was rejected before it ever entered (measured on 22.10.1:
    // ChannelHangupRequest, Dial BUSY, ChannelDestroyed, no StasisEnd).
    for (const message of [stasisEnd, destroyed('c1'), destroyed('c2')]) stream.push(message);
    await flush();
    expect(ends).toEqual(['c1', 'c2']);
  });
});
