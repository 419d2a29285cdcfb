import type { AutoAnswerHeaders } from '../../ari/auto-answer.js';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { channelIdOf, type PbxFact } from '../../ari/pbx.facts.js';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import type { CallsService } from '../calls/calls.service.js';
import { createCallDirectory } from '../calls/call-directory.js';
import { auditSessionEvents } from './supervision.audit.js';
import { createKeptWrites } from '../../db/kept-writes.js';
import { canSeeSession } from './supervision.access.js';
import { createSessionRechecks } from './supervision-rechecks.js';
import { reconcileSessions } from './supervision-reconcile.js';
import { createSessionStarts } from './supervision-start.js';
import { createSupervisionRunner } from './supervision.runner.js';
import { createSessionStore } from './supervision-store.js';
import { sessionIdFromArgs } from './session-state.js';
import { toSessionView, type SessionView } from './supervision-view.js';
import type { IdlePolicy, SessionState, SupervisionMode } from './supervision.types.js';

export interface SupervisionServiceDeps {
  connection: PbxConnection;
  db: Db;
  bus: EventBus;
  logger: Logger;
  calls: CallsService;
  redis: Redis;
  redisPrefix: string;
  idlePolicy: IdlePolicy;
  /** The SPEC's auto-answer headers (controller/ari/auto-answer.ts). */
  autoAnswer: AutoAnswerHeaders;
  /** Take `*222` / `*223` / `*224` from the numbering plan (off: they answer as an unbuilt feature). */
  featureCodes?: boolean;
  now?: () => Date;
}

const PROMPT = /^sv-([0-9a-f]+)-prompt-\d+$/;

export type { StartRequest } from './supervision-start.js';

/**
 * Supervision: routes Asterisk's facts to sessions, wires the starts (supervision-start.ts), the rules checked again
 * (supervision-rechecks.ts) and the reconcile after a reconnect (supervision-reconcile.ts), and the API operations.
 */
export function createSupervisionService(deps: SupervisionServiceDeps) {
  const { connection, db, logger, calls } = deps;
  const now = deps.now ?? (() => new Date());
  const directory = createCallDirectory(db);
  // An audit entry PostgreSQL could not take (down) is written once it is back, with its own time and in one
  // transaction per decision (never half of it twice): else a session that ended in an outage had no end in the audit.
  const keptAudit = createKeptWrites({ run: (_key, fn) => fn(), logger, what: 'supervision audit entries' });
  let audited = 0;
  const runner = createSupervisionRunner({
    pbx: connection.pbx,
    bus: deps.bus,
    logger,
    now,
    store: createSessionStore(deps.redis, deps.redisPrefix),
    autoAnswer: deps.autoAnswer,
    onEvents: (session, events) => {
      const at = new Date();
      return keptAudit.attempt(`${session.id}:${audited++}`, () =>
        db.transaction().execute((trx) => auditSessionEvents(trx, session, events, at)),
      );
    },
  });
  const starts = createSessionStarts({
    db,
    calls,
    connection,
    directory,
    runner,
    idlePolicy: deps.idlePolicy,
  });
  const rechecks = createSessionRechecks({ db, calls, runner });
  const reconcile = () => reconcileSessions(connection, runner);
  const unsubscribes: (() => void)[] = [];

  function onFact(fact: PbxFact): void {
    for (const id of sessionsOf(fact)) void runner.submit(id, { kind: 'fact', fact });
  }

  function sessionsOf(fact: PbxFact): string[] {
    if (fact.kind === 'channel-entered') {
      const own = sessionIdFromArgs(fact.args);
      if (own) return [own];
    }
    if (fact.kind === 'playback-finished') return [PROMPT.exec(fact.playbackId)?.[1] ?? ''].filter(Boolean);
    if (fact.kind === 'bridge-destroyed')
      return runner
        .all()
        .filter((s) => s.current?.bridgeId === fact.bridge.id)
        .map((s) => s.id);
    const channelId = channelIdOf(fact);
    return channelId ? runner.sessionsOfChannel(channelId) : [];
  }

  function visible(id: string, principal: Principal): SessionState {
    const session = runner.get(id);
    if (!session || !canSeeSession(principal, toSessionView(session, runner.teamOf(id))))
      throw new AppError('no-such-supervision', `supervision ${id} not found`);
    return session;
  }

  /** Only the session's supervisor or an admin changes or ends it. */
  function owned(id: string, principal: Principal): SessionState {
    const session = visible(id, principal);
    if (principal.role !== 'admin' && session.supervisor.userId !== principal.userId)
      throw new AppError('supervision-forbidden', 'only the supervisor or an admin changes a session');
    return session;
  }

  return {
    start(): void {
      unsubscribes.push(
        connection.onFact(onFact),
        connection.onConnected(() =>
          reconcile().catch((error: unknown) => logger.error({ err: error }, 'reconcile failed')),
        ),
        deps.bus.subscribe((event) => {
          if (event.type === 'call.answered') rechecks.onCallAnswered(event.data.id);
          if (event.type === 'user.updated' || event.type === 'user.deleted') rechecks.recheck(event.data.id);
        }),
      );
      if (deps.featureCodes)
        unsubscribes.push(
          calls.dialPlan.handle('monitor', starts.fromPhone('monitor')),
          calls.dialPlan.handle('whisper', starts.fromPhone('whisper')),
          calls.dialPlan.handle('barge', starts.fromPhone('barge')),
        );
    },
    async stop(): Promise<void> {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      await runner.idle();
      keptAudit.stop();
    },
    list: (principal: Principal): SessionView[] =>
      runner
        .all()
        .map((s) => toSessionView(s, runner.teamOf(s.id)))
        .filter((view) => canSeeSession(principal, view)),
    create: starts.fromApi,
    async change(id: string, principal: Principal, mode: SupervisionMode): Promise<SessionView> {
      owned(id, principal);
      const session = await runner.submit(id, { kind: 'switch', mode });
      if (!session) throw new AppError('no-such-supervision', `supervision ${id} has ended`);
      return toSessionView(session, runner.teamOf(id));
    },
    async end(id: string, principal: Principal): Promise<void> {
      owned(id, principal);
      await runner.submit(id, { kind: 'stop' });
    },
    /** `GET /api/calls`: who supervises this call and how, for admins and supervisors (agents never learn it here). */
    annotateCall(call: { id: string }, principal: Principal): { supervisedBy?: SupervisedBy[] } {
      if (principal.role === 'agent') return {};
      const supervisedBy = runner
        .all()
        .filter((s) => s.call?.callId === call.id && s.phase !== 'ending')
        .map((s) => toSessionView(s, runner.teamOf(s.id)))
        .filter((view) => canSeeSession(principal, view))
        .map((view) => ({
          sessionId: view.id,
          supervisorExtension: view.supervisorExtension,
          targetExtension: view.targetExtension,
          mode: view.mode,
        }));
      return { supervisedBy };
    },
    idle: () => runner.idle(),
  };
}

export interface SupervisedBy {
  sessionId: string;
  supervisorExtension: string;
  targetExtension: string;
  mode: SupervisionMode;
}

export type SupervisionService = ReturnType<typeof createSupervisionService>;
