import type { WebSocket } from 'ws';
import type { EventBus } from '../bus/event-bus.js';
import type { AnyPbxEvent } from '../bus/events.js';
import { bearer, type Auth, type Principal } from './auth.js';
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

export const closeCodes = { unauthorized: 4401 } as const;

export function eventsGateway(options: {
  bus: EventBus;
  auth: Auth;
  metrics: Metrics;
  snapshot: Record<string, SnapshotSource>;
  visible: EventVisibility;
}) {
  const { bus, auth, metrics, snapshot, visible } = options;
  return async (app: Server) => {
    app.get('/events', { websocket: true, schema: { hide: true } }, async (socket, request) => {
      const query = request.query as Record<string, unknown>;
      const token =
        bearer(request.headers.authorization) ?? (typeof query.token === 'string' ? query.token : '');
      const principal = token ? await auth.verify(token) : undefined;
      if (!principal) {
        socket.close(closeCodes.unauthorized, 'unauthorized: a valid token is required');
        return;
      }
      const pending: AnyPbxEvent[] = [];
      let live = false;
      const unsubscribe = bus.subscribe((event) => {
        if (!visible(event, principal)) return;
        if (live) send(socket, event);
        else pending.push(event);
      });
      metrics.wsClients.inc();
      socket.on('close', () => {
        unsubscribe();
        metrics.wsClients.dec();
      });
      socket.on('error', () => socket.terminate());
      const data = await buildSnapshot(snapshot, principal);
      send(socket, { type: 'snapshot', at: new Date().toISOString(), data });
      // Events that happened while the snapshot was being built follow it, in order.
      live = true;
      for (const event of pending.splice(0)) send(socket, event);
    });
  };
}

async function buildSnapshot(sources: Record<string, SnapshotSource>, principal: Principal) {
  const names = Object.keys(sources);
  const values = await Promise.all(names.map((name) => sources[name]!(principal).catch(() => null)));
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}
