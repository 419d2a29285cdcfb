import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { findPolicy, upsertPolicy, type RecordingPolicy } from '../../db/recording-policies.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import type { CallsService } from '../calls/calls.service.js';
import { announcementIdOf, callOfAnnouncement } from './recording.rules.js';
import type { RecordingControl } from './recording.service.js';

const policyActor = { via: 'policy' as const, userId: null, label: 'policy' };

/**
 * Teams' recording policies: `GET|PUT /teams/{id}/recording-policy`, and a routed call of a team that records every
 * routed call: when its agent answers, the announcement plays into the bridge (both hear it), and once it has
 * played to its end the recording starts. A call that ends during the announcement is not recorded; an announcement
 * Asterisk cannot play is no consent either, so that call is not recorded (logged).
 */
export function createRecordingPolicies(deps: {
  db: Db;
  logger: Logger;
  pbx?: Pbx;
  calls?: CallsService;
  control?: RecordingControl;
}) {
  const { db, logger } = deps;

  async function team(teamId: string) {
    const found = await db.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
    if (!found) throw new AppError('no-such-team', 'team not found');
  }

  const offPolicy = (teamId: string): RecordingPolicy => ({
    teamId,
    recordRoutedCalls: false,
    announcement: [],
  });

  async function start(callId: string): Promise<void> {
    await deps.control?.act(callId, 'start', policyActor).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'recording-active') return;
      logger.warn({ callId, err: error }, 'policy recording did not start');
    });
  }

  return {
    async get(principal: Principal, teamId: string): Promise<RecordingPolicy> {
      await team(teamId);
      if (principal.role !== 'admin' && principal.teamId !== teamId)
        throw new AppError('forbidden', "only admins and the team's supervisors see its recording policy");
      return (await findPolicy(db, teamId)) ?? offPolicy(teamId);
    },
    async set(
      principal: Principal,
      teamId: string,
      body: Omit<RecordingPolicy, 'teamId'>,
    ): Promise<RecordingPolicy> {
      await team(teamId);
      const policy = await upsertPolicy(db, { teamId, ...body });
      await writeAudit(db, {
        actorUserId: principal.userId,
        actor: auditActor(principal),
        action: 'recording.policy-changed',
        target: auditTarget.team(teamId),
        details: { recordRoutedCalls: policy.recordRoutedCalls, announcement: policy.announcement },
      });
      return policy;
    },
    /** A call was answered (bus `call.answered`): a routed call of a recording team is announced, then recorded. */
    async onAnswered(call: { id: string; routing: { teamId: string } | null }): Promise<void> {
      const parties = call.routing && deps.calls?.partiesOfCall(call.id);
      if (!call.routing || !parties?.bridgeId || !deps.pbx) return;
      const policy = await findPolicy(db, call.routing.teamId);
      if (!policy?.recordRoutedCalls) return;
      if (policy.announcement.length === 0) return start(call.id);
      const played = await deps.pbx.play({
        playbackId: announcementIdOf(call.id),
        target: { bridgeId: parties.bridgeId },
        media: policy.announcement.map((sound) => `sound:${sound}`),
      });
      if (!played.ok)
        logger.warn(
          { callId: call.id, reason: played.reason },
          'recording announcement not played; not recording',
        );
    },
    /** The announcement played to its end: the recording starts (a call gone meanwhile is refused as no such call). */
    onFact(fact: PbxFact): Promise<void> | undefined {
      if (fact.kind !== 'playback-finished') return undefined;
      const callId = callOfAnnouncement(fact.playbackId);
      if (!callId) return undefined;
      if (fact.state === 'failed')
        return void logger.info({ callId }, 'recording announcement cut; not recording');
      return start(callId);
    },
  };
}

export type RecordingPolicies = ReturnType<typeof createRecordingPolicies>;
