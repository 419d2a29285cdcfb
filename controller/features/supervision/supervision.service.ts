import type { AutoAnswerHeaders } from '../../ari/auto-answer.js';
import { randomBytes } from 'node:crypto';
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
import type { DialledCall } from '../calls/dial-router.js';
import { auditRefusal, auditSessionEvents } from './supervision.audit.js';
import { canSeeSession } from './supervision.access.js';
import {
  callOfAgent,
  findUserByExtension,
  findUserById,
  supervisedCallOf,
  verdictOver,
  whoOf,
} from './supervision-lookup.js';
import { createSupervisionRunner } from './supervision.runner.js';
import { createSessionStore } from './supervision-store.js';
import { isSupervisionBridge, sessionIdFromArgs } from './session-state.js';
import { toSessionView, type SessionView } from './supervision-view.js';
import type { IdlePolicy, SessionState, SupervisionMode, SupervisionStart } from './supervision.types.js';

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

export interface StartRequest {
  targetExtension?: string;
  callId?: string;
  supervisorExtension: string;
  mode: SupervisionMode;
}

const newId = () => randomBytes(6).toString('hex');
const PROMPT = /^sv-([0-9a-f]+)-prompt-\d+$/;

/** Supervision: starts sessions from the phone and the API, routes Asterisk's facts to them, ends them on reconnect. */
export function createSupervisionService(deps: SupervisionServiceDeps) {
  const { connection, db, logger, calls } = deps;
  const now = deps.now ?? (() => new Date());
  const directory = createCallDirectory(db);
  const runner = createSupervisionRunner({
    pbx: connection.pbx,
    bus: deps.bus,
    logger,
    now,
    store: createSessionStore(deps.redis, deps.redisPrefix),
    autoAnswer: deps.autoAnswer,
    onEvents: (session, events) => auditSessionEvents(db, session, events),
  });
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

  /** A call was answered: sessions waiting for one of its parties get it (checked against the rules again). */
  function onCallAnswered(callId: string): void {
    const parties = calls.partiesOfCall(callId);
    if (!parties?.bridgeId) return;
    for (const session of runner.all()) {
      if (session.call || (session.phase !== 'waiting' && session.phase !== 'ringing')) continue;
      const agentId = session.target.userId;
      if (![parties.a, parties.b].some((side) => side.person.userId === agentId)) continue;
      void runner.submit(session.id, async () => {
        const [supervisor, target] = await Promise.all([
          findUserById(db, session.supervisor.userId),
          findUserById(db, agentId),
        ]);
        const verdict = supervisor && target ? await verdictOver(db, supervisor, target, parties) : undefined;
        const refusal = !verdict
          ? { code: 'supervision-forbidden' as const, reason: 'the user is gone' }
          : verdict.ok
            ? undefined
            : { code: verdict.code, reason: verdict.reason };
        return {
          kind: 'call-found',
          call: supervisedCallOf(parties, agentId),
          ...(refusal ? { refusal } : {}),
        };
      });
    }
  }

  /**
   * A user changed or went: every session they supervise, are supervised in or take part in the call of is checked
   * against the rules again, with the rows as they are now; one no longer allowed ends at once.
   */
  function recheck(userId: string): void {
    for (const session of runner.all()) {
      const parties = session.call ? calls.partiesOfCall(session.call.callId) : undefined;
      const involved = [
        session.supervisor.userId,
        session.target.userId,
        parties?.a.person.userId,
        parties?.b.person.userId,
      ];
      if (!involved.includes(userId)) continue;
      void runner.submit(session.id, async () => {
        const [supervisor, target] = await Promise.all([
          findUserById(db, session.supervisor.userId),
          findUserById(db, session.target.userId),
        ]);
        const verdict = supervisor && target ? await verdictOver(db, supervisor, target, parties) : undefined;
        if (verdict?.ok) return undefined;
        const refusal = verdict
          ? { code: verdict.code, reason: verdict.reason }
          : { code: 'supervision-forbidden' as const, reason: 'the supervisor or the agent was deleted' };
        return { kind: 'revoke', refusal };
      });
    }
  }

  /** `*222<ext>` / `*223<ext>` / `*224<ext>` from a phone: the caller's channel is the supervisor's. */
  function startFromPhone(mode: SupervisionMode) {
    return ({ channel, argument }: DialledCall): void => {
      const id = newId();
      runner.claim(channel.id, id);
      void runner.submit(id, async () => {
        const caller = await directory.identifyCaller(channel);
        const supervisor = caller.userId ? await findUserById(db, caller.userId) : undefined;
        const target = argument ? await findUserByExtension(db, argument) : undefined;
        const parties = target ? callOfAgent(calls, target.id) : undefined;
        const verdict =
          supervisor && target
            ? await verdictOver(db, supervisor, target, parties)
            : ({ ok: false, code: 'supervision-forbidden', reason: 'no such user' } as const);
        const who = supervisor
          ? whoOf(supervisor)
          : { userId: '', extension: caller.number, name: caller.name };
        runner.setTeam(id, target?.teamId ?? null);
        return {
          kind: 'start',
          id,
          mode,
          origin: 'dial',
          channelId: channel.id,
          supervisor: who,
          target: target ? whoOf(target) : { userId: '', extension: argument ?? '', name: '' },
          idlePolicy: deps.idlePolicy,
          call: parties && target ? supervisedCallOf(parties, target.id) : null,
          ...(verdict.ok ? {} : { refusal: { code: verdict.code, reason: verdict.reason } }),
        } satisfies SupervisionStart;
      });
    };
  }

  async function startFromApi(principal: Principal, request: StartRequest): Promise<SessionView> {
    if (principal.role !== 'admin' && request.supervisorExtension !== principal.extension)
      throw new AppError('supervision-forbidden', 'a supervisor supervises from their own extension only');
    const supervisor = await findUserByExtension(db, request.supervisorExtension);
    if (!supervisor)
      throw new AppError('no-such-extension', `no user has extension ${request.supervisorExtension}`);
    const { target, parties } = await targetOf(request);
    const verdict = await verdictOver(db, supervisor, target, parties);
    const refuse = async (code: 'supervision-forbidden' | 'no-call-to-supervise', reason: string) => {
      await auditRefusal(db, {
        supervisor,
        target,
        mode: request.mode,
        callId: parties?.callId ?? null,
        code,
        reason,
      });
      return new AppError(code, reason);
    };
    if (!verdict.ok) throw await refuse(verdict.code, verdict.reason);
    if (!parties && deps.idlePolicy === 'end')
      throw await refuse('no-call-to-supervise', 'the agent is on no call');
    if (connection.state() !== 'connected')
      throw new AppError('asterisk-unreachable', 'Asterisk is not reachable');
    const destination = await directory.resolveTargets(supervisor.extension);
    const endpoints = destination.kind === 'user' ? destination.targets.map((t) => t.endpoint) : [];
    const id = newId();
    runner.setTeam(id, target.teamId);
    const session = await runner.submit(id, {
      kind: 'start',
      id,
      mode: request.mode,
      origin: 'api',
      endpoints: endpoints.map((endpoint, n) => ({ channelId: `sv-${id}-leg-${n + 1}`, endpoint })),
      supervisor: whoOf(supervisor),
      target: whoOf(target),
      idlePolicy: deps.idlePolicy,
      call: parties ? supervisedCallOf(parties, target.id) : null,
    });
    if (!session || session.phase === 'ending' || session.phase === 'ended')
      throw new AppError(
        'extension-unavailable',
        `none of the devices of ${supervisor.extension} can be rung`,
      );
    return toSessionView(session, target.teamId);
  }

  async function targetOf(request: StartRequest) {
    if (request.callId) {
      const parties = calls.partiesOfCall(request.callId);
      if (!parties?.bridgeId)
        throw new AppError('no-call-to-supervise', `call ${request.callId} is not a talking call`);
      const sides = [parties.b, parties.a].filter((side) =>
        request.targetExtension ? side.person.number === request.targetExtension : side.person.userId,
      );
      const target = sides[0]?.person.userId ? await findUserById(db, sides[0].person.userId) : undefined;
      if (!target) throw new AppError('no-call-to-supervise', 'no agent of this call to supervise');
      return { target, parties };
    }
    const target = await findUserByExtension(db, request.targetExtension ?? '');
    if (!target) throw new AppError('no-such-extension', `no user has extension ${request.targetExtension}`);
    return { target, parties: callOfAgent(calls, target.id) };
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

  /** After every (re)connect: sessions built over events we may have missed end cleanly; orphans of ours go. */
  async function reconcile(): Promise<void> {
    await runner.restore();
    // The sessions there were when the socket came back; one started since is built over events we did see.
    const before = runner.all();
    const listed = await connection.pbx.listChannels();
    const channelIds = listed.ok ? listed.value.map((c) => c.id) : [];
    await Promise.all(before.map((s) => runner.submit(s.id, { kind: 'reconcile', channelIds })));
    const ours = (bridgeId: string) => runner.all().some((s) => s.bridges.includes(bridgeId));
    const bridges = await connection.pbx.listBridges();
    if (bridges.ok)
      for (const bridge of bridges.value.filter((b) => isSupervisionBridge(b.name) && !ours(b.id))) {
        for (const channelId of bridge.channelIds)
          if (runner.sessionsOfChannel(channelId).length === 0)
            await connection.pbx.hangup(channelId, 'normal');
        await connection.pbx.destroyBridge(bridge.id);
      }
    for (const channelId of channelIds.filter((c) => c.startsWith('sv-')))
      if (runner.sessionsOfChannel(channelId).length === 0) await connection.pbx.hangup(channelId, 'normal');
  }

  return {
    start(): void {
      unsubscribes.push(
        connection.onFact(onFact),
        connection.onConnected(() =>
          reconcile().catch((error: unknown) => logger.error({ err: error }, 'reconcile failed')),
        ),
        deps.bus.subscribe((event) => {
          if (event.type === 'call.answered') onCallAnswered(event.data.id);
          if (event.type === 'user.updated' || event.type === 'user.deleted') recheck(event.data.id);
        }),
      );
      if (deps.featureCodes)
        unsubscribes.push(
          calls.dialPlan.handle('monitor', startFromPhone('monitor')),
          calls.dialPlan.handle('whisper', startFromPhone('whisper')),
          calls.dialPlan.handle('barge', startFromPhone('barge')),
        );
    },
    async stop(): Promise<void> {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      await runner.idle();
    },
    list: (principal: Principal): SessionView[] =>
      runner
        .all()
        .map((s) => toSessionView(s, runner.teamOf(s.id)))
        .filter((view) => canSeeSession(principal, view)),
    create: startFromApi,
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
