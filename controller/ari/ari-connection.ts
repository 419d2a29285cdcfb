import type { Logger } from 'pino';
import { configureApp, subscribeEndpoints } from './ari-app-setup.js';
import { createAriHttp, type AriHttp } from './ari-http.js';
import { createAriPbx } from './ari-pbx.js';
import { eventSocketOpener, type EventSocket, type EventSocketOpener } from './ari-socket.js';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
import { createFactStream, type FactHandler, type FactStream } from './fact-stream.js';
import type { ConnectionState } from './pbx.facts.js';
import type { Pbx, PbxConnection } from './pbx.port.js';

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
  /**
   * How often the PJSIP endpoint subscription is tried again while Asterisk refuses it (422 "Event source does not
   * exist": no PJSIP endpoint exists yet, as on a fresh Asterisk before the accounts are pushed). Default 2 s.
   */
  endpointRetryMs?: number;
  random?: () => number;
  /** The ARI lease's gate (issue 15): no REST request leaves and no socket opens while it answers false. */
  fence?: () => boolean;
  /** Asterisk gave the app to another connection (ApplicationReplaced): the lease learns it lost. */
  onReplaced?: () => void;
}

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
  return new AriConnection(options);
}

type Handler = () => void | Promise<void>;

class AriConnection implements PbxConnection {
  readonly pbx: Pbx;
  private readonly logger: Logger;
  private readonly http: AriHttp;
  private readonly facts: FactStream;
  private readonly openEventSocket: EventSocketOpener;
  private readonly connectedHandlers = new Set<Handler>();
  private readonly disconnectedHandlers = new Set<() => void>();
  private readonly endpointHandlers = new Set<Handler>();
  private endpointRetry: NodeJS.Timeout | undefined;
  private current: ConnectionState = 'disconnected';
  private running = false;
  private socket: EventSocket | undefined;
  private replaced = false;
  private lastError = '';
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** Resolves start() once the first attempt has connected (handlers run) or failed. */
  private settleStart: (() => void) | undefined;

  constructor(private readonly options: AriConnectionOptions) {
    this.logger = options.logger.child({ component: 'ari' });
    this.http = createAriHttp({ ...options, timeoutMs: options.requestTimeoutMs ?? 5000 });
    this.pbx = createAriPbx(this.http, options.app);
    this.facts = createFactStream(this.logger);
    this.openEventSocket = eventSocketOpener({
      ...options,
      timeoutMs: options.connectTimeoutMs ?? 10_000,
      heartbeatMs: options.heartbeatMs ?? 15_000,
    });
  }

  state(): ConnectionState {
    return this.current;
  }

  onFact(handler: FactHandler): () => void {
    return this.facts.subscribe(handler);
  }

  onConnected(handler: Handler): () => void {
    this.connectedHandlers.add(handler);
    return () => this.connectedHandlers.delete(handler);
  }

  onEndpointEvents(handler: Handler): () => void {
    this.endpointHandlers.add(handler);
    return () => this.endpointHandlers.delete(handler);
  }

  onDisconnected(handler: () => void): () => void {
    this.disconnectedHandlers.add(handler);
    return () => this.disconnectedHandlers.delete(handler);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const started = new Promise<void>((resolve) => (this.settleStart = resolve));
    this.loop = this.run();
    await started;
    this.settleStart = undefined;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.socket?.close();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const result = await this.connectOnce();
      this.settleStart?.();
      if (!this.running) break;
      failures = result === 'closed' ? 0 : failures + 1;
      await this.sleep(this.nextDelay(failures));
    }
  }

  private nextDelay(failures: number): number {
    const { options } = this;
    const delay = this.replaced
      ? (options.replacedRetryMs ?? 30_000)
      : backoffDelay(
          Math.max(failures - 1, 0),
          options.backoff ?? defaultBackoff,
          options.random ?? Math.random,
        );
    this.replaced = false;
    if (failures === 1 || (failures > 0 && failures % 10 === 0)) {
      this.logger.warn(
        { url: options.url, failures, err: this.lastError, retryInMs: delay },
        'could not connect to Asterisk (ARI); retrying',
      );
    }
    return delay;
  }

  /** One connection's life: resolves when it could not open, or when the open socket closed. */
  private async connectOnce(): Promise<'failed' | 'closed'> {
    if (this.options.fence && !this.options.fence()) {
      this.lastError = 'this instance does not hold the ARI lease';
      return 'failed';
    }
    this.current = 'connecting';
    let closed!: () => void;
    const ended = new Promise<void>((resolve) => (closed = resolve));
    try {
      this.socket = await this.openEventSocket({
        message: (text) => this.onMessage(text),
        closed: (reason) => this.onClosed(reason, closed),
      });
    } catch (error) {
      this.current = 'disconnected';
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.debug({ err: this.lastError }, 'ARI connect attempt failed');
      this.settleStart?.();
      return 'failed';
    }
    if (this.running) await this.onOpen();
    else this.socket.close();
    await ended;
    return 'closed';
  }

  private async onOpen(): Promise<void> {
    await configureApp(this.http, this.options.app, this.logger);
    const subscribed = await subscribeEndpoints(this.http, this.options.app);
    if (this.current !== 'connecting') return;
    this.current = 'connected';
    this.logger.info({ app: this.options.app }, 'ARI connected');
    // Independent features (reconcile calls, push accounts, …): one slow handler must not hold up the others.
    await Promise.all([...this.connectedHandlers].map((handler) => this.runHandler(handler, 'onConnected')));
    this.settleStart?.();
    if (!subscribed) this.retryEndpointSubscription(this.socket);
  }

  /**
   * Asterisk has no PJSIP endpoint yet (a fresh start: `endpoint:PJSIP` is 422 until the first account is pushed):
   * subscribe again now that the handlers pushed the accounts, then every `endpointRetryMs` while this socket
   * lives; once it holds, the onEndpointEvents handlers run (registrations made meanwhile sent no event to us).
   */
  private retryEndpointSubscription(socket: EventSocket | undefined): void {
    const attempt = async () => {
      this.endpointRetry = undefined;
      if (!this.running || this.socket !== socket || this.current !== 'connected') return;
      if (!(await subscribeEndpoints(this.http, this.options.app))) {
        this.endpointRetry = setTimeout(() => void attempt(), this.options.endpointRetryMs ?? 2000);
        return;
      }
      this.logger.info('subscribed to PJSIP endpoint events');
      await Promise.all(
        [...this.endpointHandlers].map((handler) => this.runHandler(handler, 'onEndpointEvents')),
      );
    };
    void attempt();
  }

  private onMessage(text: string): void {
    const type = this.facts.push(text);
    if (type !== 'ApplicationReplaced') return;
    this.replaced = true;
    this.logger.error({ app: this.options.app }, 'another connection took the ARI app; standing by');
    this.options.onReplaced?.();
    this.socket?.close();
  }

  private onClosed(reason: string, closed: () => void): void {
    const wasConnected = this.current === 'connected';
    clearTimeout(this.endpointRetry);
    this.current = 'disconnected';
    this.socket = undefined;
    if (wasConnected) {
      this.logger.warn({ reason }, 'ARI disconnected');
      for (const handler of [...this.disconnectedHandlers]) void this.runHandler(handler, 'onDisconnected');
    }
    closed();
  }

  private async runHandler(handler: Handler, what: string): Promise<void> {
    try {
      await handler();
    } catch (error) {
      this.logger.error({ err: error }, `${what} handler failed`);
    }
  }

  /** Waits between attempts; stop() cuts it short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => ((this.wake = undefined), resolve()), ms);
      this.wake = () => (clearTimeout(timer), (this.wake = undefined), resolve());
    });
  }
}
