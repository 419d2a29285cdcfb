import type { Db } from './database.js';
import type { RecordingAnnotationRow } from './tables/recordings.js';

/** A supervisor's timestamped note on a call recording. */
export interface RecordingAnnotation {
  id: string;
  recordingId: string;
  authorUserId: string | null;
  author: string;
  offsetSeconds: number;
  text: string;
  createdAt: string;
}

const toAnnotation = (row: RecordingAnnotationRow): RecordingAnnotation => ({
  id: row.id,
  recordingId: row.recording_id,
  authorUserId: row.author_user_id,
  author: row.author,
  offsetSeconds: row.offset_seconds,
  text: row.text,
  createdAt: row.created_at.toISOString(),
});

export async function insertAnnotation(
  db: Db,
  values: { recordingId: string; authorUserId: string; author: string; offsetSeconds: number; text: string },
): Promise<RecordingAnnotation> {
  const row = await db
    .insertInto('recording_annotations')
    .values({
      recording_id: values.recordingId,
      author_user_id: values.authorUserId,
      author: values.author,
      offset_seconds: values.offsetSeconds,
      text: values.text,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAnnotation(row);
}

/** A recording's annotations in the order of the audio. */
export async function listAnnotations(db: Db, recordingId: string): Promise<RecordingAnnotation[]> {
  const rows = await db
    .selectFrom('recording_annotations')
    .selectAll()
    .where('recording_id', '=', recordingId)
    .orderBy('offset_seconds')
    .orderBy('created_at')
    .execute();
  return rows.map(toAnnotation);
}
