import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { findUserById } from '../../db/users.repository.js';
import {
  findRecordingOfCall,
  insertSegment,
  segmentsRecording,
  openRecording,
  publicRecording,
  setRecording,
  type StoredRecording,
} from '../../db/recordings.repository.js';
import type { RecordingVia } from '../../db/tables/recordings.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { createKeyedLock } from '../calls/keyed-lock.js';
import type { CallsService } from '../calls/calls.service.js';
import { decideRecording, type RecordingAction, type RecordingStatus } from './recording.decider.js';
import type { RecordingEventData } from './recording.events.js';
import { mayControlRecording, parseSegmentName, segmentNameOf, type CallParty } from './recording.rules.js';
import type { SegmentSaver } from './segment-saver.js';

export interface RecordingControlDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  pbx: Pbx;
  calls: CallsService;
  saver: SegmentSaver;
  now: () => Date;
}

/** Who starts or stops: a user (phone `*1` or the API) or the team's policy. */
export interface RecordingActor {
  via: RecordingVia;
  userId: string | null;
  /** For the audit log: `alice (1001)`, or `policy`. */
  label: string;
}

const statusOf = (recording: StoredRecording | undefined): RecordingStatus => ({
  live: recording?.segments.find((s) => s.state === 'recording')?.name ?? null,
  lastSeq: Math.max(0, ...(recording?.segments.map((s) => s.seq) ?? [])),
});

/**
 * Starting and stopping a call's recording (`*1`, the API, a team's policy), under a per-call lock: the decision is
 * the decider's, the bridge recording Asterisk's (`POST /bridges/{id}/record`), and Asterisk's facts end each segment
 * (saved by the segment saver, or failed). A call that ends stops its live segment (Asterisk ends it with the bridge).
 */
export function createRecordingControl(deps: RecordingControlDeps) {
  const { db, bus, logger, pbx, calls, saver } = deps;
  const lock = createKeyedLock();
  /** The users on each recorded call, for the events' visibility after the call is gone. */
  const participants = new Map<string, string[]>();

  /** The talking call's bridge and parties (with their teams), or undefined when there is no such call. */
  async function callOf(callId: string) {
    const parties = calls.partiesOfCall(callId);
    if (!parties?.bridgeId) return undefined;
    const sides = [parties.a, parties.b];
    const userIds = sides.flatMap((s) => s.person.userId ?? []);
    const users =
      userIds.length > 0
        ? await db.selectFrom('users').select(['id', 'team_id']).where('id', 'in', userIds).execute()
        : [];
    const people: CallParty[] = sides.map((s) => ({
      userId: s.person.userId,
      teamId: users.find((u) => u.id === s.person.userId)?.team_id ?? null,
    }));
    return { bridgeId: parties.bridgeId, sides, people, userIds };
  }

  async function publish(type: 'recording.started' | 'recording.stopped', callId: string, segment: number) {
    const recording = await findRecordingOfCall(db, callId);
    if (!recording) return;
    const userIds = participants.get(callId) ?? [];
    const data: RecordingEventData = { callId, segment, recording: publicRecording(recording), userIds };
    bus.publish(type, data);
  }

  async function audit(actor: RecordingActor, action: string, recording: StoredRecording, segment: number) {
    await writeAudit(db, {
      actorUserId: actor.userId,
      actor: actor.label,
      action,
      target: auditTarget.recording(recording.id),
      details: { callId: recording.callId, segment, via: actor.via },
    });
  }

  async function act(
    callId: string,
    action: RecordingAction,
    actor: RecordingActor,
  ): Promise<StoredRecording> {
    return lock.run(callId, async () => {
      const call = await callOf(callId);
      if (!call) throw new AppError('no-such-call', `call ${callId} not found, or not talking`);
      const before = await findRecordingOfCall(db, callId);
      const decision = decideRecording(statusOf(before), action, (seq) => segmentNameOf(callId, seq));
      if (decision.kind === 'refuse')
        throw new AppError(
          decision.code,
          decision.code === 'recording-active'
            ? 'the call is being recorded already'
            : 'the call is not being recorded',
        );
      if (decision.kind === 'stop') {
        const stopped = await pbx.stopRecording(decision.name);
        if (!stopped.ok && stopped.reason !== 'gone')
          logger.warn({ callId, reason: stopped.reason }, 'could not stop the call recording');
        await audit(actor, 'recording.stopped', before!, statusOf(before).lastSeq);
        return (await findRecordingOfCall(db, callId))!;
      }
      const at = deps.now();
      const recording =
        before ?? (await openRecording(db, { callId, startedByUserId: actor.userId, via: actor.via, at }));
      await insertSegment(db, {
        recordingId: recording.id,
        seq: decision.seq,
        name: decision.name,
        startedByUserId: actor.userId,
        at,
      });
      await setRecording(db, recording.id, { state: 'recording' });
      participants.set(callId, call.userIds);
      const started = await pbx.recordBridge({
        bridgeId: call.bridgeId,
        name: decision.name,
        format: 'wav',
        maxDurationSeconds: 0,
        ifExists: 'fail',
      });
      if (!started.ok) {
        await saver.fail(
          decision.name,
          `Asterisk refused the recording (${started.reason}: ${started.message})`,
        );
        await publish('recording.stopped', callId, decision.seq);
        throw new AppError('recording-failed', 'Asterisk could not record the call; the call goes on');
      }
      await audit(actor, 'recording.started', recording, decision.seq);
      return (await findRecordingOfCall(db, callId))!;
    });
  }

  /** Asterisk's word on a segment: started (published), finished (saved, then published), failed. */
  function onFact(fact: PbxFact): Promise<void> | undefined {
    if (
      fact.kind !== 'recording-started' &&
      fact.kind !== 'recording-finished' &&
      fact.kind !== 'recording-failed'
    )
      return undefined;
    const segment = parseSegmentName(fact.name);
    if (!segment) return undefined;
    return lock.run(segment.callId, async () => {
      if (fact.kind === 'recording-started') return publish('recording.started', segment.callId, segment.seq);
      if (fact.kind === 'recording-finished') await saver.save(fact.name);
      else await saver.fail(fact.name, `Asterisk: ${fact.cause || 'the recording failed'}`);
      await publish('recording.stopped', segment.callId, segment.seq);
    });
  }

  /** The call ended: its live segment stops (Asterisk ends it with the bridge anyway; this covers a bridge kept). */
  async function onCallEnded(callId: string): Promise<void> {
    await lock.run(callId, async () => {
      const live = statusOf(await findRecordingOfCall(db, callId)).live;
      if (live) await pbx.stopRecording(live);
    });
  }

  /**
   * After every reconcile of calls (each (re)connect): a segment still recording whose call is gone ended while the
   * controller was away (Asterisk sends no missed event again). Asterisk still recording it (a bridge nobody
   * destroyed) is told to stop, and its RecordingFinished saves it; otherwise what Asterisk stored is saved now, or
   * the segment fails ("lost").
   */
  async function reconcile(liveCallIds: Set<string>): Promise<void> {
    for (const segment of await segmentsRecording(db)) {
      if (liveCallIds.has(segment.callId)) continue;
      await lock.run(segment.callId, async () => {
        const stopped = await pbx.stopRecording(segment.name);
        if (stopped.ok) return;
        await saver.save(segment.name);
        await publish('recording.stopped', segment.callId, segment.seq);
      });
    }
  }

  return {
    act,
    onFact,
    onCallEnded,
    reconcile,
    /** The API: the agent on the call, their supervisor, admins; a call not talking is a 404. */
    async control(principal: Principal, callId: string, action: 'start' | 'stop'): Promise<StoredRecording> {
      const call = await callOf(callId);
      if (!call) throw new AppError('no-such-call', `call ${callId} not found, or not talking`);
      if (!mayControlRecording(principal, call.people))
        throw new AppError(
          'forbidden',
          "only a user on the call, their team's supervisor or an admin records it",
        );
      return act(callId, action, { via: 'api', userId: principal.userId, label: auditActor(principal) });
    },
    /** `*1` from a leg: its user toggles (a leg nobody owns, e.g. a lobby phone, does not record). */
    async toggleFromPhone(callId: string, channelId: string): Promise<'started' | 'stopped' | undefined> {
      const call = await callOf(callId);
      const side = call?.sides.find((s) => s.channelId === channelId);
      if (!side?.person.userId) return undefined;
      const before = statusOf(await findRecordingOfCall(db, callId)).live;
      const user = await findUserById(db, side.person.userId);
      const label = user ? auditActor(user) : `${side.person.name} (${side.person.number})`;
      await act(callId, 'toggle', { via: 'phone', userId: side.person.userId, label });
      return before ? 'stopped' : 'started';
    },
    idle: () => lock.idle(),
  };
}

export type RecordingControl = ReturnType<typeof createRecordingControl>;
