import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, connectEvents, type EventsStatus } from './events-client';
import { ApiError } from './http';
import type { ServerMessage } from './types';

class FakeSocket {
  static all: FakeSocket[] = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close() {
    this.closed = true;
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

describe('events client', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
  });
  afterEach(() => vi.useRealTimers());

  const flush = () => vi.advanceTimersByTimeAsync(0);

  const connect = async (ticket: () => Promise<string> = async () => `t${FakeSocket.all.length + 1}`) => {
    const statuses: EventsStatus[] = [];
    const messages: ServerMessage[] = [];
    const connection = connectEvents({
      ticket,
      url: 'ws://pbx/api/events',
      onStatus: (s) => statuses.push(s),
      onMessage: (m) => messages.push(m),
      createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
    });
    await flush();
    return { statuses, messages, connection };
  };

  it('opens with a fresh one-time ticket (never the token), goes live on the snapshot, then delivers events', async () => {
    const { statuses, messages } = await connect();
    const socket = FakeSocket.all[0]!;
    expect(socket.url).toBe('ws://pbx/api/events?ticket=t1');
    socket.receive({ type: 'snapshot', at: 'T', data: {} });
    socket.receive({ type: 'call.ringing', at: 'T', data: { id: 'c1' } });
    expect(statuses.map((s) => s.kind)).toEqual(['connecting', 'live']);
    expect(messages.map((m) => m.type)).toEqual(['snapshot', 'call.ringing']);
  });

  it('reconnects with growing backoff after a close, each time with a new ticket', async () => {
    const { statuses } = await connect();
    FakeSocket.all[0]!.onclose?.({ code: 1006 });
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    await vi.advanceTimersByTimeAsync(1300);
    expect(FakeSocket.all).toHaveLength(2);
    expect(FakeSocket.all[1]!.url).toBe('ws://pbx/api/events?ticket=t2');
    FakeSocket.all[1]!.onclose?.({ code: 1006 });
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 2 });
    await vi.advanceTimersByTimeAsync(1500);
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1500);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('on 4401 tries once more with a new ticket, and stops when that is refused too', async () => {
    const { statuses } = await connect();
    FakeSocket.all[0]!.onclose?.({ code: 4401 });
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.onclose?.({ code: 4401 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(2);
    expect(statuses.at(-1)).toEqual({ kind: 'unauthorized' });
  });

  it('stops when no ticket can be had (401: the session ended)', async () => {
    const { statuses } = await connect(async () => {
      throw new ApiError(401, 'unauthorized', 'this session has ended');
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(0);
    expect(statuses.at(-1)).toEqual({ kind: 'unauthorized' });
  });

  it('retries with backoff when the controller cannot be reached for a ticket', async () => {
    let calls = 0;
    const { statuses } = await connect(async () => {
      calls += 1;
      if (calls === 1) throw new ApiError(0, 'controller-unreachable', 'down');
      return 'later';
    });
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    await vi.advanceTimersByTimeAsync(1300);
    expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://pbx/api/events?ticket=later']);
  });

  it('close() stops reconnecting', async () => {
    const { connection } = await connect();
    FakeSocket.all[0]!.onclose?.({ code: 1006 });
    connection.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('backoff doubles up to 30 s, with ±20% jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(backoffMs(1, 0)).toBe(800);
    expect(backoffMs(1, 0.999)).toBeLessThanOrEqual(1200);
  });
});
