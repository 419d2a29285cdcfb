import { randomBytes } from 'node:crypto';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import type { CallDirectory } from '../calls/call-directory.js';
import type { CallsService } from '../calls/calls.service.js';
import type { DialledCall } from '../calls/dial-router.js';
import { auditRefusal } from './supervision.audit.js';
import {
  callOfAgent,
  findUserByExtension,
  findUserById,
  supervisedCallOf,
  verdictOver,
  whoOf,
} from './supervision-lookup.js';
import type { SupervisionRunner } from './supervision.runner.js';
import { toSessionView, type SessionView } from './supervision-view.js';
import type { IdlePolicy, SupervisionMode, SupervisionStart } from './supervision.types.js';

export interface StartRequest {
  targetExtension?: string;
  callId?: string;
  supervisorExtension: string;
  mode: SupervisionMode;
}

const newId = () => randomBytes(6).toString('hex');

export interface SessionStartDeps {
  db: Db;
  calls: CallsService;
  connection: PbxConnection;
  directory: CallDirectory;
  runner: SupervisionRunner;
  idlePolicy: IdlePolicy;
}

/** How sessions begin: from a phone (`*222`/`*223`/`*224` + ext) and from the API, each checked against the rules. */
export function createSessionStarts(deps: SessionStartDeps) {
  const { db, calls, connection, directory, runner } = deps;
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

  return { fromPhone: startFromPhone, fromApi: startFromApi };
}
