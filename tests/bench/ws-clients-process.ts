/**
 * Many WebSocket clients of `/api/events` in their own process (as browsers are not in the controller's), for the
 * fan-out bench: each opens with its one-time ticket and waits for its snapshot; every message of a watched type
 * is timestamped on arrival (epoch ms, `performance.timeOrigin + performance.now()`) under `type id`.
 */
import WebSocket from 'ws';

export type ClientsRequest =
  | { op: 'connect'; url: string; tickets: string[]; types: string[] }
  | { op: 'wait'; key: string; count: number; timeoutMs: number }
  | { op: 'clock' }
  | { op: 'close' };

export type ClientsReply = { kind: 'reply'; id: number; result?: unknown; error?: string };

const epochNow = () => performance.timeOrigin + performance.now();
const sockets: WebSocket[] = [];
const arrivals = new Map<string, number[]>();
const waiters = new Map<string, () => void>();
let watched = new Set<string>();

function open(url: string, ticket: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}?ticket=${encodeURIComponent(ticket)}`);
    const timer = setTimeout(() => reject(new Error('no snapshot within 30 s')), 30_000);
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`closed with ${code}`)));
    socket.on('message', (raw) => {
      const at = epochNow();
      const message = JSON.parse(String(raw)) as { type: string; data?: { id?: string } };
      if (message.type === 'snapshot') {
        clearTimeout(timer);
        return resolve(socket);
      }
      if (!watched.has(message.type)) return;
      const key = `${message.type} ${message.data?.id ?? ''}`;
      const times = arrivals.get(key) ?? [];
      times.push(at);
      arrivals.set(key, times);
      waiters.get(key)?.();
    });
  });
}

/** Resolves with the arrival times of `key` once `count` clients have it (or at the timeout, with those that do). */
function wait(key: string, count: number, timeoutMs: number): Promise<number[]> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(key);
      const times = arrivals.get(key) ?? [];
      arrivals.delete(key);
      resolve(times);
    };
    const timer = setTimeout(done, timeoutMs);
    waiters.set(key, () => {
      if ((arrivals.get(key)?.length ?? 0) >= count) done();
    });
    waiters.get(key)!();
  });
}

async function handle(request: ClientsRequest): Promise<unknown> {
  switch (request.op) {
    case 'connect': {
      watched = new Set(request.types);
      const opened = await Promise.all(request.tickets.map((ticket) => open(request.url, ticket)));
      sockets.push(...opened);
      return { connected: sockets.length };
    }
    case 'wait':
      return wait(request.key, request.count, request.timeoutMs);
    case 'clock':
      return { epoch: epochNow() };
    case 'close':
      for (const socket of sockets) socket.terminate();
      setImmediate(() => process.exit(0));
      return null;
    default: {
      const never: never = request;
      throw new Error(`unknown request ${JSON.stringify(never)}`);
    }
  }
}

process.on('message', (message: { id: number; request: ClientsRequest }) => {
  handle(message.request).then(
    (result) => process.send?.({ kind: 'reply', id: message.id, result } satisfies ClientsReply),
    (error: unknown) =>
      process.send?.({ kind: 'reply', id: message.id, error: String(error) } satisfies ClientsReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ kind: 'ready' });
