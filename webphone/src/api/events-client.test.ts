import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, connectEvents, type EventsStatus } from './events-client';
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

  const connect = () => {
    const statuses: EventsStatus[] = [];
    const messages: ServerMessage[] = [];
    const connection = connectEvents({
      token: 'a.b.c',
      url: 'ws://pbx/api/events',
      onStatus: (s) => statuses.push(s),
      onMessage: (m) => messages.push(m),
      createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
    });
    return { statuses, messages, connection };
  };

  it('passes the token, goes live on the snapshot, then delivers events', () => {
    const { statuses, messages } = connect();
    const socket = FakeSocket.all[0]!;
    expect(socket.url).toBe('ws://pbx/api/events?token=a.b.c');
    socket.receive({ type: 'snapshot', at: 'T', data: {} });
    socket.receive({ type: 'call.ringing', at: 'T', data: { id: 'c1' } });
    expect(statuses.map((s) => s.kind)).toEqual(['connecting', 'live']);
    expect(messages.map((m) => m.type)).toEqual(['snapshot', 'call.ringing']);
  });

  it('reconnects with growing backoff after a close', () => {
    const { statuses } = connect();
    FakeSocket.all[0]!.onclose?.({ code: 1006 });
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 1 });
    vi.advanceTimersByTime(1300);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.onclose?.({ code: 1006 });
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', attempt: 2 });
    vi.advanceTimersByTime(1500);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1500);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('stops on 4401 (bad token)', () => {
    const { statuses } = connect();
    FakeSocket.all[0]!.onclose?.({ code: 4401 });
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(statuses.at(-1)).toEqual({ kind: 'unauthorized' });
  });

  it('close() stops reconnecting', () => {
    const { connection } = connect();
    FakeSocket.all[0]!.onclose?.({ code: 1006 });
    connection.close();
    vi.advanceTimersByTime(60_000);
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
