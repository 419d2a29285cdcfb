import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Pbx } from '../../ari/pbx.port.js';
import type { Db } from '../../db/database.js';
import { endSegment, findRecording, findSegment, setRecording } from '../../db/recordings.repository.js';
import type { RecordingAlerts } from './recording-alerts.js';
import { appendSegment } from './wav.js';

export interface SegmentSaverDeps {
  db: Db;
  pbx: Pbx;
  logger: Logger;
  alerts: RecordingAlerts;
  dir: string;
  now: () => Date;
}

/**
 * A finished segment's audio: fetched from Asterisk's stored recording (`GET /recordings/stored/{name}/file`),
 * appended to the call's WAV in RECORDINGS_DIR (written beside it, then renamed over it: a crash never leaves half a
 * file), then Asterisk's copy deleted. Anything that goes wrong fails the segment clearly (state, log line, alert) and
 * keeps Asterisk's copy. Callers hold the call's lock.
 */
export function createSegmentSaver(deps: SegmentSaverDeps) {
  const { db, pbx, logger, alerts } = deps;

  /** The segment (and its recording) failed: the call goes on, the failure is on the row, the log and /readyz. */
  async function fail(name: string, why: string): Promise<void> {
    const segment = await findSegment(db, name);
    if (!segment) return;
    const ended = await endSegment(db, name, { state: 'failed', at: deps.now(), failure: why });
    if (!ended) return;
    await setRecording(db, segment.recording_id, { state: 'failed', failure: why, endedAt: deps.now() });
    alerts.failed(`call recording ${name} failed: ${why}`);
    logger.error({ recording: name, callId: segment.call_id, why }, 'call recording failed');
  }

  async function save(name: string): Promise<void> {
    const segment = await findSegment(db, name);
    if (segment?.state !== 'recording') return;
    const stored = await pbx.storedRecordingFile(name);
    if (!stored.ok)
      return fail(name, `Asterisk has no stored recording (${stored.reason}: ${stored.message})`);
    const recording = await findRecording(db, segment.recording_id);
    if (!recording) return;
    const filePath = recording.filePath ?? join(deps.dir, `call-${segment.call_id}.wav`);
    const before = recording.filePath ? await readFile(recording.filePath).catch(() => undefined) : undefined;
    const joined = appendSegment(before, stored.value);
    if (!joined) return fail(name, "the stored recording is not a WAV of the recording's format");
    try {
      await mkdir(deps.dir, { recursive: true });
      await writeFile(`${filePath}.part`, joined.file);
      await rename(`${filePath}.part`, filePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      return fail(name, `could not write ${filePath} (${code}); Asterisk keeps its copy`);
    }
    const at = deps.now();
    await endSegment(db, name, {
      state: 'saved',
      at,
      offsetSeconds: joined.offsetSeconds,
      durationSeconds: joined.durationSeconds,
    });
    await setRecording(db, recording.id, {
      state: recording.state === 'failed' ? 'failed' : 'stopped',
      endedAt: at,
      durationSeconds: joined.offsetSeconds + joined.durationSeconds,
      sizeBytes: joined.file.length,
      filePath,
    });
    alerts.saved();
    const deleted = await pbx.deleteStoredRecording(name);
    if (!deleted.ok && deleted.reason !== 'gone')
      logger.warn(
        { recording: name, reason: deleted.reason },
        "could not delete Asterisk's stored recording",
      );
  }

  return { save, fail };
}

export type SegmentSaver = ReturnType<typeof createSegmentSaver>;
