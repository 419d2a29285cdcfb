import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { AnyPbxEvent } from '../../bus/events.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import {
  emptyLines,
  evolveLines,
  computedViewOf,
  lineFactOf,
  listedLines,
  type LineFact,
  type LinesState,
} from './presence-lines.decider.js';
import { createPresenceDirectory } from './presence-directory.js';
import type { PresenceStore } from './presence-store.js';
import { canSeePresence } from './presence.access.js';
import './presence.events.js';
import { nextView, sameView, type ComputedView } from './presence.rules.js';
import type { PresenceState, PresenceView } from './presence.types.js';

export interface PresenceDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  store: PresenceStore;
  /** Without it (no telephony) presence is whatever the store holds. */
  connection?: PbxConnection;
  reconcileSeconds: number;
  /** How long the ARI socket may be down before the views are marked stale (a blip is not news). */
  staleAfterMs?: number;
  now?: () => Date;
}

/**
 * Presence: the instance holding the ARI app's WebSocket folds Asterisk's facts into the state of every SIP account
 * (`presence-lines.decider.ts`), computes each user's view by the rules (`presence.rules.ts`) the moment a fact or a
 * DND / directory event touches them, keeps the views in memory and in Redis, and publishes `presence.changed` when
 * a view actually changed. It recomputes everything from `GET /endpoints` and `GET /channels` on every (re)connect
 * and every `reconcileSeconds`. Other instances mirror the views from the events and from Redis.
 */
export function createPresenceService(deps: PresenceDeps) {
  const { bus, logger, store, connection } = deps;
  const clock = deps.now ?? (() => new Date());
  const views = new Map<string, PresenceView>();
  let lines: LinesState = emptyLines;
  let stale = false;
  /**
   * Whether this connection's first listing is done: until then facts are only folded in (a view computed from a
   * few facts and no listing would flap on every restart), and the listing computes everyone.
   */
  let synced = false;
  /** Facts that came while a listing was under way: applied again on top of it. */
  let during: LineFact[] | undefined;
  /** A listing was asked for while one was under way: another follows it. */
  let again = false;
  const stops: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let staleTimer: NodeJS.Timeout | undefined;

  const computing = () => connection?.state() === 'connected';
  const live = () => computing() && synced;
  const directory = createPresenceDirectory({ ...deps, onChange: (ids) => live() && recompute(ids) });

  function computedOf(userId: string): ComputedView | undefined {
    const user = directory.user(userId);
    return user && computedViewOf(user, directory.accountsOf(userId), lines, stale);
  }

  /** Computes these users' views again; publishes and stores those that changed. */
  function recompute(userIds: string[] | 'all'): void {
    const ids = userIds === 'all' ? new Set([...directory.userIds(), ...views.keys()]) : new Set(userIds);
    const now = clock().toISOString();
    const changed: PresenceView[] = [];
    const removed: string[] = [];
    for (const userId of ids) {
      const computed = computedOf(userId);
      if (!computed) {
        if (views.delete(userId)) removed.push(userId);
        continue;
      }
      const view = nextView(views.get(userId), computed, now);
      if (sameView(views.get(userId), view)) continue;
      views.set(userId, view);
      changed.push(view);
    }
    for (const view of changed) bus.publish('presence.changed', view);
    save(changed, removed);
  }

  const save = (changed: PresenceView[], removed: string[] = []) =>
    store.enqueue(changed, removed, (error) =>
      logger.warn({ err: error }, 'presence: could not store views'),
    );

  function onFact(fact: PbxFact): void {
    const line = lineFactOf(fact);
    if (!line) return;
    during?.push(line);
    const change = evolveLines(lines, line);
    lines = change.state;
    if (!live()) return;
    if (change.touched === 'all') return recompute('all');
    const users = new Set(change.touched.flatMap((account) => directory.ownerOf(account) ?? []));
    if (users.size > 0) recompute([...users]);
  }

  /** Everything again from what Asterisk lists now. */
  async function resync(): Promise<void> {
    if (!connection) return;
    if (during) {
      again = true;
      return;
    }
    during = [];
    try {
      const [endpoints, channels] = await Promise.all([
        connection.pbx.listEndpoints(),
        connection.pbx.listChannels(),
      ]);
      if (!endpoints.ok || !channels.ok) {
        logger.warn('presence: could not list endpoints or channels; keeping what is known');
        // Events count again from here (a listing comes with the next period or connect).
        if (computing() && !synced) {
          synced = true;
          recompute('all');
        }
        return;
      }
      const listed = listedLines(endpoints.value, channels.value);
      lines = [listed, ...during].reduce((state, fact) => evolveLines(state, fact).state, lines);
      stale = false;
      synced = computing();
      recompute('all');
    } finally {
      during = undefined;
      if (again) {
        again = false;
        void resync().catch(() => undefined);
      }
    }
  }

  /** This instance holds the app now: claim the store, read users again, recompute all, store every view. */
  async function onConnected(): Promise<void> {
    clearTimeout(staleTimer);
    // Without Redis the views are still computed and published; they are stored again on the next connect.
    await store
      .claim()
      .catch((error: unknown) => logger.warn({ err: error }, 'presence: could not claim the views'));
    await directory.reload().catch(() => undefined);
    await resync();
    // Views computed from facts before the claim were not stored.
    save([...views.values()]);
  }

  function onDisconnected(): void {
    synced = false;
    clearTimeout(staleTimer);
    staleTimer = setTimeout(() => void markStale().catch(() => undefined), deps.staleAfterMs ?? 5000);
  }

  /**
   * Asterisk unreachable for a while: the views keep their last known state, marked `stale`, unless another instance
   * took the app meanwhile (then its views are the truth, and this one only mirrors them).
   */
  async function markStale(): Promise<void> {
    if (computing() || !(await store.owns())) return mirror();
    stale = true;
    const changed = [...views.values()].filter((v) => !v.stale).map((v) => ({ ...v, stale: true }));
    for (const view of changed) views.set(view.userId, view);
    for (const view of changed) bus.publish('presence.changed', view);
    save(changed);
  }

  /** Another instance's views (it holds the app): mirrored in memory. */
  function onEvent(event: AnyPbxEvent): void {
    if (event.type !== 'presence.changed' || computing()) return;
    views.set(event.data.userId, event.data);
  }

  async function mirror(): Promise<void> {
    const stored = await store.readAll().catch(() => undefined);
    if (!stored || computing()) return;
    views.clear();
    for (const view of stored) views.set(view.userId, view);
  }

  const tick = () => void (computing() ? resync() : mirror()).catch(() => undefined);

  /** A user nothing was computed for yet (no instance holds the app, or the user is new): offline, as far as known. */
  function unknownView(userId: string): PresenceView | undefined {
    const computed = computedOf(userId);
    return computed && nextView(undefined, { ...computed, stale: !computing() }, clock().toISOString());
  }

  const viewsFor = async (principal: Principal): Promise<PresenceView[]> => {
    const all = new Map(
      (computing() ? [...views.values()] : await store.readAll()).map((v) => [v.userId, v]),
    );
    for (const userId of directory.userIds()) if (!all.has(userId)) all.set(userId, unknownView(userId)!);
    return [...all.values()]
      .filter((v) => canSeePresence(principal, v))
      .sort((a, b) => a.extension.localeCompare(b.extension));
  };

  return {
    async start(): Promise<void> {
      await directory.start();
      await mirror();
      stops.push(bus.subscribe(onEvent));
      if (connection) {
        stops.push(connection.onFact(onFact));
        stops.push(connection.onConnected(onConnected));
        stops.push(connection.onDisconnected(onDisconnected));
        stops.push(connection.onEndpointEvents(() => resync()));
        if (computing()) await onConnected();
      }
      timer = setInterval(tick, deps.reconcileSeconds * 1000);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      clearTimeout(staleTimer);
      for (const stop of stops.splice(0)) stop();
      directory.stop();
      await store.flush();
    },
    /** A user's state now, from memory (routing asks this on every routed call); `offline` for an unknown user. */
    stateOf: (userId: string): PresenceState => views.get(userId)?.state ?? 'offline',
    /** A user's view now, from memory. */
    viewOf: (userId: string): PresenceView | undefined => views.get(userId),
    /** Every user's view now, from memory. */
    list: (): PresenceView[] => [...views.values()],
    /** The views a principal may see (API, WebSocket snapshot). */
    listFor: viewsFor,
    async getFor(principal: Principal, userId: string): Promise<PresenceView> {
      const view = (computing() ? views.get(userId) : await store.read(userId)) ?? unknownView(userId);
      if (!view) throw new AppError('no-such-user', 'user not found');
      if (!canSeePresence(principal, view)) throw new AppError('forbidden', 'you may not see this user');
      return view;
    },
    /** Recomputes everything from Asterisk now (tests; the periodic pass does the same). */
    reconcile: resync,
  };
}

export type PresenceService = ReturnType<typeof createPresenceService>;
