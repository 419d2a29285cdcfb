import WebSocket from 'ws';
import type { App } from '../../controller/app.js';

export interface EventMessage {
  type: string;
  at: string;
  data: unknown;
}

/** A WebSocket client of `/api/events` that keeps every message, so tests can wait for one. */
export interface EventsClient {
  socket: WebSocket;
  messages: EventMessage[];
  /** Resolves with the first message (already received or still to come) that matches. */
  next(match: (message: EventMessage) => boolean, timeoutMs?: number): Promise<EventMessage>;
  /** Resolves with the close code. */
  closed: Promise<number>;
  close(): void;
}

/** A one-time ticket for `/api/events?ticket=…`, as the webphone gets one. */
export async function ticket(app: App, headers: Record<string, string>): Promise<string> {
  const response = await app.server.inject({ method: 'POST', url: '/api/events/ticket', headers });
  if (response.statusCode !== 200) throw new Error(`ticket: ${response.statusCode} ${response.body}`);
  return response.json<{ ticket: string }>().ticket;
}

/** The address of a listening app's `/api/events`. */
export function eventsUrl(app: App, query = ''): string {
  const address = app.server.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
  return `ws://127.0.0.1:${address.port}/api/events${query}`;
}

export function connectEvents(url: string, headers: Record<string, string> = {}): EventsClient {
  const socket = new WebSocket(url, { headers });
  const messages: EventMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (raw) => {
    messages.push(JSON.parse(String(raw)) as EventMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  return {
    socket,
    messages,
    closed,
    close: () => socket.close(),
    next(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no matching event within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.type))}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
