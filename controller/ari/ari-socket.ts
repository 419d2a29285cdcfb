import ari, { type AriWebSocket, type Client } from 'ari-client';

export interface EventSocketOptions {
  /** e.g. `http://127.0.0.1:8088` (ari-client adds `/ari`). */
  url: string;
  username: string;
  password: string;
  app: string;
  /** Gives up on an attempt (API load + WebSocket open) after this long. */
  timeoutMs: number;
  /** Pings the socket this often; no pong before the next ping means the peer is dead. 0 turns it off. */
  heartbeatMs: number;
}

export interface EventSocketHandlers {
  /** One raw WebSocket text message. Runs inside the socket's handler: it must not throw (it is guarded anyway). */
  message(text: string): void;
  /** The socket is gone, whatever the reason. Called once. */
  closed(reason: string): void;
}

export interface EventSocket {
  close(): void;
}

/** Opens event sockets, one per connection attempt. */
export type EventSocketOpener = (handlers: EventSocketHandlers) => Promise<EventSocket>;

const OPEN = 1;

// swagger-client 2.0.26, which ari-client loads, assigns a global `log` that console.logs ("This API is using a
// deprecated version of Swagger!" on every connect) and keeps every message in `log.history`: plain-text lines among
// the controller's JSON logs and a slow leak. Nothing else uses that global; silence it.
(globalThis as { log?: unknown }).log = () => undefined;

/**
 * Opens the application's event WebSocket through ari-client and takes it over.
 *
 * ari-client 2.2 (node_modules/ari-client/lib/client.js, `Client.prototype.start`) is unsafe as it comes:
 * - `processMessage` looks the event's type up in the Swagger models and reads `eventModel.properties`, so an event
 *   type it does not know (a newer Asterisk, or a malformed message) throws a TypeError inside the ws 'message'
 *   listener, i.e. out of the socket's data handler: an uncaught exception that takes the process down. Handlers
 *   attached with `client.on(type)` run in the same stack, so any handler error does the same.
 * - `reconnect` uses backoff-func with its defaults (100 ms doubling to 10 s, 10 retries): after ~43 s of an
 *   unreachable Asterisk it emits `WebSocketMaxRetries` and never tries again.
 *
 * `start()` creates `client._ws` and attaches its listeners synchronously, so right after calling it we remove them
 * all and attach our own: every message goes through a try/catch to `handlers.message`, and a close or error ends
 * this socket for good (ari-client's own backoff never runs). The caller (ari-connection.ts) owns reconnection.
 *
 * The client (its Swagger load: a dozen HTTP requests) is made once, on the first attempt that reaches Asterisk, and
 * each later attempt only opens a new WebSocket: besides saving the requests, an API load after a dead host could
 * sit on a stale keep-alive connection of Node's global agent until the attempt's timeout.
 */
export function eventSocketOpener(options: EventSocketOptions): EventSocketOpener {
  let client: Client | undefined;
  return async (handlers) => {
    client ??= await withTimeout(
      ari.connect(options.url, options.username, options.password),
      options.timeoutMs,
    );
    return openEventSocket(client, options, handlers);
  };
}

async function openEventSocket(
  client: Client,
  options: EventSocketOptions,
  handlers: EventSocketHandlers,
): Promise<EventSocket> {
  client._ws = undefined;
  void client.start(options.app).catch(() => undefined);
  // start() sets `_ws` synchronously (TypeScript cannot see that through the call).
  const ws = client._ws as AriWebSocket | undefined;
  if (!ws) throw new Error('ari-client did not open a WebSocket');
  for (const event of ['open', 'message', 'error', 'close', 'pong']) ws.removeAllListeners(event);
  client._wsClosed = true;
  await waitForOpen(ws, options.timeoutMs);
  return takeOver(ws, options.heartbeatMs, handlers);
}

function takeOver(ws: AriWebSocket, heartbeatMs: number, handlers: EventSocketHandlers): EventSocket {
  let ended = false;
  let awaitingPong = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    ws.removeAllListeners('message');
    ws.on('error', () => undefined);
    if (ws.readyState === OPEN) ws.terminate();
    handlers.closed(reason);
  };
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          if (awaitingPong) return end('no pong from Asterisk');
          awaitingPong = true;
          ws.ping(undefined, undefined, () => undefined);
        }, heartbeatMs).unref()
      : undefined;
  ws.on('pong', () => (awaitingPong = false));
  ws.on('message', (data: unknown) => {
    try {
      handlers.message(String(data));
    } catch {
      // handlers.message is guarded itself; this is the last line that keeps the socket's handler safe.
    }
  });
  ws.on('error', (error: Error) => end(`error: ${error.message}`));
  ws.on('close', (code: number) => end(`closed (${code})`));
  return { close: () => end('closed by the controller') };
}

function waitForOpen(ws: AriWebSocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      ws.removeAllListeners('open');
      ws.removeAllListeners('close');
      ws.removeAllListeners('error');
      ws.on('error', () => undefined);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('timed out opening the ARI WebSocket')), timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      ws.removeAllListeners('close');
      ws.removeAllListeners('error');
      resolve();
    });
    ws.once('error', (error: Error) => fail(error));
    ws.once('close', (code: number) => fail(new Error(`WebSocket closed before opening (${code})`)));
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from ARI within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (
        clearTimeout(timer),
        reject(error instanceof Error ? error : new Error(String(error)))
      ),
    );
  });
}
