import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { EventBus } from '../bus/event-bus.js';
import type { AnyPbxEvent } from '../bus/events.js';
import { AppError } from '../errors.js';
import type { WsTickets } from '../features/auth/ws-tickets.js';
import { bearer, type Access, type Auth, type Principal } from './auth.js';
import type { Metrics } from './metrics.js';
import type { Server } from './server.js';

/** Part of the snapshot a client gets on connect (e.g. `calls`, `parkSlots`, `presence`), computed for that client. */
export type SnapshotSource = (principal: Principal) => Promise<unknown>;

/** Decides whether a client may see an event (e.g. user changes only for admins). */
export type EventVisibility = (event: AnyPbxEvent, principal: Principal) => boolean;

/** A feature's say on the events it owns: true or false for its own types, undefined for the others. */
export type EventRule = (event: AnyPbxEvent, principal: Principal) => boolean | undefined;

/** The first rule with a verdict decides; an event no rule claims is visible to every authenticated client. */
export const visibleBy =
  (rules: EventRule[]): EventVisibility =>
  (event, principal) => {
    for (const rule of rules) {
      const verdict = rule(event, principal);
      if (verdict !== undefined) return verdict;
    }
    return true;
  };

export const closeCodes = { unauthorized: 4401, forbidden: 4403 } as const;

/** Whether an event may change what a user's socket is allowed: their own row, or their tokens' revocation. */
export function concernsAccess(event: AnyPbxEvent, userId: string): boolean {
  switch (event.type) {
    case 'user.updated':
    case 'user.deleted':
      return event.data.id === userId;
    case 'auth.revoked':
      return event.data.userId === userId;
    default:
      return false;
  }
}

export interface GatewayOptions {
  bus: EventBus;
  auth: Auth;
  tickets: WsTickets;
  metrics: Metrics;
  snapshot: Record<string, SnapshotSource>;
  visible: EventVisibility;
  /** How often every socket's access is checked again even without an event (a change made outside the API). */
  recheckSeconds: number;
}

/**
 * `/api/events`: opened with a one-time `?ticket=` (browsers) or an `Authorization: Bearer` header. A socket is
 * never trusted beyond its credential: it is checked again against the database whenever its user changes or
 * their tokens are revoked (on any instance: the events come through Redis), and every `recheckSeconds`; it
 * narrows to the user's current role and team, and closes with 4401 when the account, session or token version
 * no longer stands or its credential expires.
 */
export function eventsGateway(options: GatewayOptions) {
  const { bus, metrics, snapshot, visible } = options;
  return async (app: Server) => {
    app.get('/events', { websocket: true, schema: { hide: true } }, async (socket, request) => {
      const access = await admit(options, request).catch(() => undefined);
      if (!access) {
        socket.close(closeCodes.unauthorized, 'unauthorized: a valid ticket or token is required');
        return;
      }
      // Gone while it was being admitted: nothing to subscribe (its close event has passed).
      if (socket.readyState !== socket.OPEN) return;
      let principal = access.principal;
      // Events wait (`held`) until the snapshot is out and while a re-check runs, so that none is sent before the
      // snapshot or judged by a role the user no longer has.
      const pending: AnyPbxEvent[] = [];
      let held = true;
      let snapshotSent = false;
      let checking: Promise<void> | undefined;
      const flush = () => {
        if (!snapshotSent || checking) return;
        held = false;
        for (const event of pending.splice(0)) if (visible(event, principal)) sendEvent(socket, event);
      };
      const end = (reason: string) => socket.close(closeCodes.unauthorized, reason);
      const recheck = () => {
        held = true;
        checking ??= options.auth
          .check(access.claims)
          .then((checked) => {
            if (checked.ok) principal = checked.access.principal;
            else end(`unauthorized: ${checked.problem}`);
          })
          .catch(() => undefined)
          .finally(() => {
            checking = undefined;
            flush();
          });
      };
      const unsubscribe = bus.subscribe((event) => {
        if (concernsAccess(event, principal.userId)) recheck();
        if (held) pending.push(event);
        else if (visible(event, principal)) sendEvent(socket, event);
      });
      const expiry = setTimeout(
        () => end('unauthorized: the credential expired'),
        delayUntil(access.claims.expiresAt),
      );
      const periodic = setInterval(recheck, options.recheckSeconds * 1000);
      metrics.wsClients.inc();
      socket.on('close', () => {
        unsubscribe();
        clearTimeout(expiry);
        clearInterval(periodic);
        metrics.wsClients.dec();
      });
      socket.on('error', () => socket.terminate());
      const data = await buildSnapshot(snapshot, principal);
      send(socket, { type: 'snapshot', at: new Date().toISOString(), data });
      // Events that happened while the snapshot was being built follow it, in order.
      snapshotSent = true;
      flush();
    });
  };
}

/**
 * A ticket's claims (its session, version and expiry are those of the log-in it was issued to) or a bearer
 * token's, checked against the database as every request is.
 */
async function admit(options: GatewayOptions, request: FastifyRequest): Promise<Access | undefined> {
  const ticket = (request.query as Record<string, unknown>).ticket;
  if (typeof ticket === 'string') {
    const claims = await options.tickets.redeem(ticket);
    const checked = claims && (await options.auth.check(claims));
    return checked?.ok ? checked.access : undefined;
  }
  return options.auth.authenticate(bearer(request.headers.authorization)).catch((error: unknown) => {
    if (error instanceof AppError) return undefined;
    throw error;
  });
}

// setTimeout fires at once for delays above 2^31-1 ms; a credential that far out is re-checked periodically anyway.
const delayUntil = (at: number) => Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1);

async function buildSnapshot(sources: Record<string, SnapshotSource>, principal: Principal) {
  const names = Object.keys(sources);
  const values = await Promise.all(names.map((name) => sources[name]!(principal).catch(() => null)));
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/**
 * One event goes the same to every client that may see it: it is serialised once (the bus hands every subscriber
 * the same object), not once per socket — measured with 500 clients (`npm run bench -- fanout`).
 */
const serialised = new WeakMap<AnyPbxEvent, string>();
function sendEvent(socket: WebSocket, event: AnyPbxEvent): void {
  if (socket.readyState !== socket.OPEN) return;
  let text = serialised.get(event);
  if (text === undefined) serialised.set(event, (text = JSON.stringify(event)));
  socket.send(text);
}
