import { ApiError } from './http';
import type { ServerMessage } from './types';

export type EventsStatus =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; inMs: number; attempt: number }
  | { kind: 'unauthorized' }
  | { kind: 'closed' };

export const UNAUTHORIZED_CLOSE = 4401;

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … up to 30 s. `random` in [0, 1). */
export function backoffMs(attempt: number, random: number = Math.random()): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

export interface EventsConnection {
  close(): void;
}

/**
 * `GET /api/events?ticket=…` over a WebSocket, each (re)connect with a fresh one-time ticket (no token in the URL),
 * reconnecting with backoff. Each (re)connect starts with a fresh snapshot, so nothing is lost in between. A close
 * with 4401 (the session ended or its credential expired) is tried once more with a new ticket; when no ticket can
 * be had (401) or the retry is refused too, it stops: `unauthorized`.
 */
export function connectEvents(options: {
  ticket: () => Promise<string>;
  onMessage: (message: ServerMessage) => void;
  onStatus: (status: EventsStatus) => void;
  url?: string;
  createSocket?: (url: string) => WebSocket;
}): EventsConnection {
  const base =
    options.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`;
  const create = options.createSocket ?? ((u: string) => new WebSocket(u));
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let refusedSinceSnapshot = 0;

  const retry = () => {
    attempt += 1;
    const inMs = backoffMs(attempt);
    options.onStatus({ kind: 'reconnecting', inMs, attempt });
    timer = setTimeout(() => void open(), inMs);
  };

  const open = async () => {
    options.onStatus({ kind: 'connecting' });
    let ticket: string;
    try {
      ticket = await options.ticket();
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiError && error.status === 401) options.onStatus({ kind: 'unauthorized' });
      else retry();
      return;
    }
    if (stopped) return;
    const ws = create(`${base}?ticket=${encodeURIComponent(ticket)}`);
    socket = ws;
    ws.onmessage = (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'snapshot') {
        attempt = 0;
        refusedSinceSnapshot = 0;
        options.onStatus({ kind: 'live' });
      }
      options.onMessage(message);
    };
    ws.onclose = (event) => {
      if (stopped || socket !== ws) return;
      if (event.code === UNAUTHORIZED_CLOSE) {
        refusedSinceSnapshot += 1;
        if (refusedSinceSnapshot > 1) options.onStatus({ kind: 'unauthorized' });
        else void open();
        return;
      }
      retry();
    };
  };
  void open();

  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      socket?.close(1000, 'bye');
      options.onStatus({ kind: 'closed' });
    },
  };
}
