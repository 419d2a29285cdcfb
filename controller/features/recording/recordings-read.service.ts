import { stat } from 'node:fs/promises';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import { callLogInvolves } from '../../db/call-logs.repository.js';
import type { Db } from '../../db/database.js';
import {
  insertAnnotation,
  listAnnotations,
  type RecordingAnnotation,
} from '../../db/recording-annotations.repository.js';
import { findRecording, publicRecording, type StoredRecording } from '../../db/recordings.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { callLogScope } from '../call-logs/call-logs.access.js';
import { mayAnnotate } from './recording.rules.js';

/**
 * Reading recordings: whoever may read the call's log may read its recording, its annotations and its audio (every
 * listen and download audited); supervisors and admins annotate.
 */
export function createRecordingsRead(db: Db) {
  async function readable(actor: Principal, id: string): Promise<StoredRecording> {
    const recording = await findRecording(db, id);
    if (!recording) throw new AppError('no-such-recording', `recording ${id} not found`);
    const log = await db
      .selectFrom('call_logs')
      .select('id')
      .where('call_id', '=', recording.callId)
      .executeTakeFirst();
    const allowed = log ? await callLogInvolves(db, log.id, callLogScope(actor)) : actor.role === 'admin';
    if (!allowed) throw new AppError('forbidden', 'only who may read the call log reads its recording');
    return recording;
  }

  return {
    get: async (actor: Principal, id: string) => publicRecording(await readable(actor, id)),
    /** The audio file, if any segment was saved. */
    async audio(
      actor: Principal,
      id: string,
    ): Promise<{ path: string; size: number; recording: StoredRecording }> {
      const recording = await readable(actor, id);
      const found = recording.filePath ? await stat(recording.filePath).catch(() => undefined) : undefined;
      if (!recording.filePath || !found)
        throw new AppError('no-such-recording', `recording ${id} has no audio`);
      return { path: recording.filePath, size: found.size, recording };
    },
    async audited(
      actor: Principal,
      recording: StoredRecording,
      how: 'listened' | 'downloaded',
    ): Promise<void> {
      await writeAudit(db, {
        actorUserId: actor.userId,
        actor: auditActor(actor),
        action: `recording.${how}`,
        target: auditTarget.recording(recording.id),
        details: { callId: recording.callId },
      });
    },
    async annotations(actor: Principal, id: string): Promise<RecordingAnnotation[]> {
      await readable(actor, id);
      return listAnnotations(db, id);
    },
    async annotate(actor: Principal, id: string, body: { offsetSeconds: number; text: string }) {
      const recording = await readable(actor, id);
      if (!mayAnnotate(actor)) throw new AppError('forbidden', 'supervisors and admins annotate recordings');
      if (recording.state !== 'recording' && body.offsetSeconds > recording.durationSeconds + 1)
        throw new AppError(
          'validation-failed',
          `body.offsetSeconds: the recording is ${recording.durationSeconds} s long`,
        );
      return insertAnnotation(db, {
        recordingId: id,
        authorUserId: actor.userId,
        author: auditActor(actor),
        ...body,
      });
    },
  };
}

export type RecordingsRead = ReturnType<typeof createRecordingsRead>;
