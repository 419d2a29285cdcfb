import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventBus } from '../../bus/event-bus.js';
import type { AnyPbxEvent } from '../../bus/events.js';
import { auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import {
  deleteHotdeskSession,
  findHotdeskDevice,
  findHotdeskUser,
  insertHotdeskSession,
  listHotdeskSessions,
  lockAllSessions,
  lockSessionsOf,
  touchHotdeskSession,
} from '../../db/hotdesk.repository.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { callActivityOf, createCallsHeard } from './hotdesk-calls.js';
import {
  actorColumns,
  authenticateLogin,
  type LoginActor,
  type LoginRequest,
} from './hotdesk-credentials.js';
import { createHotdeskMemory } from './hotdesk-memory.js';
import { decide } from './hotdesk.decider.js';
import { canSeeHotdeskSession, type HotdeskSessionView } from './hotdesk.events.js';
import type { AutoLogout, HotdeskCommand, HotdeskEvent, HotdeskSession } from './hotdesk.types.js';
import type { PinLock } from './pin-lock.js';

export interface HotdeskServiceDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  lock: PinLock;
  autoLogout: AutoLogout;
  /** The hot desk devices on a call now (a live call with a leg of theirs): they are never logged out mid-call. */
  devicesOnCall: () => ReadonlySet<string>;
  now?: () => Date;
  /** How often idle and scheduled log-outs are looked for. Default 15 s. */
  sweepMs?: number;
  /**
   * Whether this instance sweeps (issue 15): only the ARI owner does, as only it knows every live call (a standby
   * would log out a device that is on a call). Default: always.
   */
  sweeps?: () => boolean;
}

const refusals = {
  'no-such-device': () => new AppError('no-such-device', 'device not found'),
  'not-a-hotdesk-device': () => new AppError('not-a-hotdesk-device', 'this device is not a hot desk'),
  'no-hotdesk-session': () => new AppError('no-hotdesk-session', 'nobody is logged in on this device'),
} as const;

/**
 * The shell of hot desk sessions: PostgreSQL is their truth (they survive any restart). Each command runs in a
 * transaction: lock the sessions it can touch, decide (hotdesk.decider.ts), write the outcome and its audit lines,
 * commit, then publish `hotdesk.login|logout`. The call directory, the guest rule and the SIP accounts follow the
 * events. A timer sweeps for idle and scheduled log-outs; a call's end sweeps at once (a log-out deferred by it).
 */
export function createHotdeskService(deps: HotdeskServiceDeps) {
  const { db, bus, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const memory = createHotdeskMemory();
  const callsHeard = createCallsHeard();
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let sweeping: Promise<void> | undefined;

  /** Runs a command over the locked sessions, writes what happened, then publishes it. */
  async function run(
    command: HotdeskCommand,
    load: (trx: Db) => Promise<HotdeskSession[]>,
    actor: { actorUserId: string | null; actor: string },
  ): Promise<HotdeskEvent[]> {
    const events = await inTransaction(db, async (trx) => {
      const decision = decide(command, await load(trx), now(), deps.autoLogout);
      if (!decision.ok) throw refusals[decision.refusal]();
      for (const event of decision.events) await write(trx, event, actor);
      return decision.events;
    });
    for (const event of events) publish(event);
    return events;
  }

  async function write(trx: Db, event: HotdeskEvent, actor: { actorUserId: string | null; actor: string }) {
    switch (event.kind) {
      case 'logged-in':
        if (!(await insertHotdeskSession(trx, event.session)))
          throw new AppError(
            'hotdesk-conflict',
            'another log-in of this user or on this device won; try again',
          );
        return writeAudit(trx, {
          ...actor,
          action: 'hotdesk.login',
          target: auditTarget.user(event.session.userId),
          details: { deviceId: event.session.deviceId, sessionId: event.session.id, via: event.session.via },
        });
      case 'logged-out': {
        await deleteHotdeskSession(trx, event.session.id);
        const automatic = event.reason === 'idle' || event.reason === 'scheduled';
        return writeAudit(trx, {
          ...(automatic ? { actorUserId: null, actor: 'system' } : actor),
          action: 'hotdesk.logout',
          target: auditTarget.user(event.session.userId),
          details: { deviceId: event.session.deviceId, sessionId: event.session.id, reason: event.reason },
        });
      }
      case 'activity-seen':
        return touchHotdeskSession(trx, event.sessionId, new Date(event.at));
      default: {
        const never: never = event;
        throw new Error(`unknown hot desk event ${JSON.stringify(never)}`);
      }
    }
  }

  function publish(event: HotdeskEvent): void {
    switch (event.kind) {
      case 'logged-in':
        return bus.publish('hotdesk.login', { ...event.session });
      case 'logged-out':
        return bus.publish('hotdesk.logout', { ...event.session, reason: event.reason, endedAt: event.at });
      case 'activity-seen':
        return;
      default: {
        const never: never = event;
        throw new Error(`unknown hot desk event ${JSON.stringify(never)}`);
      }
    }
  }

  async function login(request: LoginRequest, actor: LoginActor): Promise<HotdeskSessionView> {
    const device = await findHotdeskDevice(db, request.deviceId);
    if (!device) throw refusals['no-such-device']();
    if (!device.hotdesk) {
      await writeAudit(db, {
        ...actorColumns(actor),
        action: 'hotdesk.login-failed',
        target: auditTarget.device(device.id),
        details: { deviceId: device.id, extension: request.extension, reason: 'not-a-hotdesk-device' },
      });
      throw refusals['not-a-hotdesk-device']();
    }
    const user = await authenticateLogin({ db, lock: deps.lock }, request, actor);
    const command: HotdeskCommand = { kind: 'login', sessionId: randomUUID(), device, user, via: actor.kind };
    await run(command, (trx) => lockSessionsOf(trx, device.id, user.id), actorColumns(actor, user));
    const session = (await listHotdeskSessions(db)).find((s) => s.deviceId === device.id);
    if (!session) throw new AppError('hotdesk-conflict', 'the session ended at once; try again');
    return session;
  }

  async function logout(deviceId: string, actor: LoginActor): Promise<void> {
    const session =
      memory.sessionOf(deviceId) ?? (await listHotdeskSessions(db)).find((s) => s.deviceId === deviceId);
    if (!session) {
      if (!(await findHotdeskDevice(db, deviceId))) throw refusals['no-such-device']();
      throw refusals['no-hotdesk-session']();
    }
    const self = actor.kind === 'phone' || actor.principal.userId === session.userId;
    if (!self && !(actor.kind === 'api' && actor.principal.role === 'admin'))
      throw new AppError('forbidden', 'only the logged-in user or an admin may log this device out');
    const user = actor.kind === 'phone' ? await findHotdeskUser(db, { userId: session.userId }) : undefined;
    const columns = actorColumns(actor, user);
    await run(
      { kind: 'logout', deviceId, reason: self ? 'user' : 'admin' },
      (trx) => lockSessionsOf(trx, deviceId, session.userId),
      columns,
    );
  }

  /**
   * Every session, locked, with the newest activity the database or this instance has seen: the sweep a call's end
   * starts must not read the session before that end's touch is written.
   */
  async function withSeenActivity(trx: Db): Promise<HotdeskSession[]> {
    return (await lockAllSessions(trx)).map((session) => {
      const seen = memory.sessionOf(session.deviceId);
      return seen?.id === session.id && seen.lastActivityAt > session.lastActivityAt
        ? { ...session, lastActivityAt: seen.lastActivityAt }
        : session;
    });
  }

  /** Ends what is due (idle, scheduled) on devices not on a call. One sweep at a time. */
  function sweep(): Promise<void> {
    const onCall = new Set([...deps.devicesOnCall(), ...callsHeard.accounts()]);
    sweeping ??= run({ kind: 'sweep', onCall }, withSeenActivity, {
      actorUserId: null,
      actor: 'system',
    })
      .then(() => undefined)
      .catch((error: unknown) => logger.warn({ err: error }, 'hot desk sweep failed'))
      .finally(() => (sweeping = undefined));
    return sweeping;
  }

  /** A call touched these devices: their sessions saw activity (and an ended call may release a deferred log-out). */
  function onCallEvent(deviceIds: string[], ended: boolean): void {
    const at = now();
    for (const deviceId of deviceIds) {
      const session = memory.touch(deviceId, at.toISOString());
      if (session)
        void touchHotdeskSession(db, session.id, at).catch((error: unknown) =>
          logger.warn({ err: error, deviceId }, 'could not record hot desk activity'),
        );
    }
    if (ended && deviceIds.some((id) => memory.sessionOf(id))) void sweep();
  }

  return {
    memory,
    login,
    logout,
    sweep,
    onCallEvent,
    list: (principal: Principal) =>
      listHotdeskSessions(db).then((all) => all.filter((s) => canSeeHotdeskSession(principal, s))),
    async start(): Promise<void> {
      unsubscribe = bus.subscribe((event: AnyPbxEvent) => {
        memory.apply(event);
        const activity = callActivityOf(event);
        if (!activity) return;
        callsHeard.apply(activity);
        onCallEvent(activity.accounts, activity.ended);
      });
      await memory
        .load(db)
        .catch((error: unknown) => logger.warn({ err: error }, 'could not load hot desk sessions'));
      const sweeps = deps.sweeps ?? (() => true);
      timer = setInterval(() => void (sweeps() && sweep()), deps.sweepMs ?? 15_000);
      timer.unref();
      if (sweeps()) void sweep();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      unsubscribe?.();
      await sweeping;
    },
  };
}

export type HotdeskService = ReturnType<typeof createHotdeskService>;
