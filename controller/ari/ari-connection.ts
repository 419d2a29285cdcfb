import type { Logger } from 'pino';
import { createAriHttp, segment, type AriHttp } from './ari-http.js';
import { createAriPbx } from './ari-pbx.js';
import { eventSocketOpener, type EventSocket } from './ari-socket.js';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
import { createFactStream } from './fact-stream.js';
import type { ConnectionState } from './pbx.facts.js';
import type { PbxConnection } from './pbx.port.js';

export interface AriConnectionOptions {
  /** e.g. `http://127.0.0.1:8088`. */
  url: string;
  username: string;
  password: string;
  /** The Stasis application name (`ARI_APP`). */
  app: string;
  logger: Logger;
  /** Between failed attempts; retries never stop. Default 0.5 s doubling to 10 s, with jitter. */
  backoff?: BackoffPolicy;
  /** After another instance took the app name (ApplicationReplaced). Default 30 s. */
  replacedRetryMs?: number;
  /** One attempt (API load + WebSocket open). Default 10 s. */
  connectTimeoutMs?: number;
  /** WebSocket ping interval; a missing pong drops the socket. Default 15 s; 0 turns it off. */
  heartbeatMs?: number;
  /** Per REST request (a request on a dead keep-alive connection fails after this). Default 5 s. */
  requestTimeoutMs?: number;
  random?: () => number;
}

/** Subscribed on every connect so presence sees registrations (EndpointStateChange). */
const ENDPOINT_EVENTS = 'endpoint:PJSIP';

/**
 * The live ARI connection: one event WebSocket (ari-socket.ts) kept up forever, facts out, and the REST-backed Pbx.
 *
 * - start() never fails because Asterisk is away: it makes one attempt and returns; a loop retries with capped
 *   exponential backoff and jitter for as long as the connection is not stopped.
 * - On every open: the app's event filter drops ChannelVarset (failure ignored: older Asterisk), the app subscribes
 *   to PJSIP endpoint events, then the onConnected handlers run (reconcile, re-provision). Asterisk replays nothing
 *   missed while the socket was down.
 * - ApplicationReplaced: another WebSocket (another controller instance) took the app name; Asterisk now sends it
 *   every event and only one socket can hold an app. Fighting back at once would make two instances steal the app
 *   from each other in a loop, so this one closes its socket, reports disconnected (so /readyz says ari: down and a
 *   load balancer stops routing to it) and tries again only after `replacedRetryMs`: a warm standby that takes over
 *   within that time if the other instance dies.
 */
export function createAriConnection(options: AriConnectionOptions): PbxConnection {
  const logger = options.logger.child({ component: 'ari' });
  const http = createAriHttp({ ...options, timeoutMs: options.requestTimeoutMs ?? 5000 });
  const pbx = createAriPbx(http, options.app);
  const facts = createFactStream(logger);
  const openEventSocket = eventSocketOpener({
    ...options,
    timeoutMs: options.connectTimeoutMs ?? 10_000,
    heartbeatMs: options.heartbeatMs ?? 15_000,
  });
  const connected = new Set<() => void | Promise<void>>();
  const disconnected = new Set<() => void>();
  const policy = options.backoff ?? defaultBackoff;
  const random = options.random ?? Math.random;

  let state: ConnectionState = 'disconnected';
  let running = false;
  let socket: EventSocket | undefined;
  let replaced = false;
  let lastError = '';
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  /** Resolves start() once the first attempt has connected (handlers run) or failed. */
  let settleStart: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => ((wake = undefined), resolve()), ms);
      wake = () => (clearTimeout(timer), (wake = undefined), resolve());
    });

  /** One connection's life: resolves when it could not open, or when the open socket closed. */
  async function connectOnce(): Promise<'failed' | 'closed'> {
    state = 'connecting';
    let closed!: () => void;
    const ended = new Promise<void>((resolve) => (closed = resolve));
    try {
      socket = await openEventSocket({
        message: (text) => onMessage(text),
        closed: (reason) => onClosed(reason, closed),
      });
    } catch (error) {
      state = 'disconnected';
      lastError = error instanceof Error ? error.message : String(error);
      logger.debug({ err: lastError }, 'ARI connect attempt failed');
      settleStart?.();
      return 'failed';
    }
    if (!running) socket.close();
    else await onOpen();
    await ended;
    return 'closed';
  }

  async function onOpen(): Promise<void> {
    await configureApp(http, options.app, logger);
    if (state !== 'connecting') return;
    state = 'connected';
    logger.info({ app: options.app }, 'ARI connected');
    // Independent features (reconcile calls, push accounts, …): one slow handler must not hold up the others.
    await Promise.all([...connected].map((handler) => runHandler(() => handler(), 'onConnected')));
    settleStart?.();
  }

  function onMessage(text: string): void {
    const type = facts.push(text);
    if (type === 'ApplicationReplaced') {
      replaced = true;
      logger.error({ app: options.app }, 'another connection took the ARI app; standing by');
      socket?.close();
    }
  }

  function onClosed(reason: string, closed: () => void): void {
    const wasConnected = state === 'connected';
    state = 'disconnected';
    socket = undefined;
    if (wasConnected) {
      logger.warn({ reason }, 'ARI disconnected');
      for (const handler of [...disconnected]) void runHandler(() => handler(), 'onDisconnected');
    }
    closed();
  }

  async function runHandler(call: () => void | Promise<void>, what: string): Promise<void> {
    try {
      await call();
    } catch (error) {
      logger.error({ err: error }, `${what} handler failed`);
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      const result = await connectOnce();
      settleStart?.();
      if (!running) break;
      failures = result === 'closed' ? 0 : failures + 1;
      const delay = replaced
        ? (options.replacedRetryMs ?? 30_000)
        : backoffDelay(Math.max(failures - 1, 0), policy, random);
      replaced = false;
      if (failures > 0 && (failures === 1 || failures % 10 === 0)) {
        logger.warn(
          { url: options.url, failures, err: lastError, retryInMs: delay },
          'could not connect to Asterisk (ARI); retrying',
        );
      }
      await sleep(delay);
    }
  }

  return {
    pbx,
    state: () => state,
    onFact: (handler) => facts.subscribe(handler),
    onConnected(handler) {
      connected.add(handler);
      return () => connected.delete(handler);
    },
    onDisconnected(handler) {
      disconnected.add(handler);
      return () => disconnected.delete(handler);
    },
    async start() {
      if (running) return;
      running = true;
      const started = new Promise<void>((resolve) => (settleStart = resolve));
      loop = run();
      await started;
      settleStart = undefined;
    },
    async stop() {
      running = false;
      socket?.close();
      wake?.();
      await loop;
      loop = undefined;
    },
  };
}

/** Drop ChannelVarset at the source and receive PJSIP endpoint state; neither is fatal if refused. */
async function configureApp(http: AriHttp, app: string, logger: Logger): Promise<void> {
  const path = `/applications/${segment(app)}`;
  const filter = await http('PUT', `${path}/eventFilter`, {
    body: { disallowed: [{ type: 'ChannelVarset' }] },
  });
  if (filter.kind !== 'response' || filter.status >= 300)
    logger.info('ARI event filter not available; ChannelVarset is dropped here instead');
  const subscription = await http('POST', `${path}/subscription`, {
    query: { eventSource: ENDPOINT_EVENTS },
  });
  if (subscription.kind !== 'response' || subscription.status >= 300)
    logger.warn('could not subscribe to PJSIP endpoint events');
}
