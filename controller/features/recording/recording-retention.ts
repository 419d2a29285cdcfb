import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Pbx } from '../../ari/pbx.port.js';
import { auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { deleteRecording, recordingsStartedBefore } from '../../db/recordings.repository.js';
import { retentionCutoff } from './recording.rules.js';

/**
 * RECORDING_RETENTION_DAYS: recordings started longer ago than that go (their file, any stored copy Asterisk still
 * has of their segments, their rows and annotations), hourly and on start.
 */
export function createRecordingRetention(deps: {
  db: Db;
  logger: Logger;
  pbx?: Pbx;
  days: number;
  now: () => Date;
  everyMs?: number;
  /** Whether this instance sweeps now (only the ARI owner does). Default: always. */
  sweeps?: () => boolean;
}) {
  const { db, logger } = deps;
  let timer: NodeJS.Timeout | undefined;

  async function sweep(): Promise<number> {
    const cutoff = retentionCutoff(deps.now(), deps.days);
    if (!cutoff) return 0;
    let deleted = 0;
    for (const recording of await recordingsStartedBefore(db, cutoff)) {
      if (recording.filePath) await rm(recording.filePath, { force: true });
      for (const segment of recording.segments) {
        if (segment.state === 'saved') continue;
        const gone = await deps.pbx?.deleteStoredRecording(segment.name);
        if (gone && !gone.ok && gone.reason !== 'gone')
          logger.warn(
            { recording: segment.name, reason: gone.reason },
            "could not delete Asterisk's stored recording",
          );
      }
      await deleteRecording(db, recording.id);
      await writeAudit(db, {
        actorUserId: null,
        actor: 'system',
        action: 'recording.deleted',
        target: auditTarget.recording(recording.id),
        details: { callId: recording.callId, startedAt: recording.startedAt, retentionDays: deps.days },
      });
      deleted++;
    }
    if (deleted > 0) logger.info({ deleted, cutoff }, 'recordings past retention deleted');
    return deleted;
  }

  const run = () => {
    if (deps.sweeps && !deps.sweeps()) return;
    void sweep().catch((error: unknown) => logger.warn({ err: error }, 'recording retention failed'));
  };

  return {
    sweep,
    start(): void {
      run();
      timer = setInterval(run, deps.everyMs ?? 3_600_000);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
    },
  };
}
