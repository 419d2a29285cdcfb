import type { Db } from './database.js';
import type {
  CallRecordingRow,
  CallRecordingSegmentRow,
  RecordingState,
  RecordingVia,
  SegmentState,
} from './tables/recordings.js';

/** A call's recording as the API shows it (the call log lists it; `GET /api/recordings/{id}`). */
export interface CallRecording {
  id: string;
  callId: string;
  state: RecordingState;
  startedVia: RecordingVia;
  startedByUserId: string | null;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number;
  sizeBytes: number;
  failure: string | null;
  segments: RecordingSegment[];
}

export interface RecordingSegment {
  seq: number;
  name: string;
  state: SegmentState;
  startedByUserId: string | null;
  startedAt: string;
  endedAt: string | null;
  /** Where it begins in the recording's audio, once saved. */
  offsetSeconds: number | null;
  durationSeconds: number | null;
  failure: string | null;
}

/** The stored row with its file (never shown to clients). */
export type StoredRecording = CallRecording & { filePath: string | null };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toSegment = (row: CallRecordingSegmentRow): RecordingSegment => ({
  seq: row.seq,
  name: row.name,
  state: row.state,
  startedByUserId: row.started_by_user_id,
  startedAt: row.started_at.toISOString(),
  endedAt: iso(row.ended_at),
  offsetSeconds: row.offset_seconds,
  durationSeconds: row.duration_seconds,
  failure: row.failure,
});

const toRecording = (row: CallRecordingRow, segments: CallRecordingSegmentRow[]): StoredRecording => ({
  id: row.id,
  callId: row.call_id,
  state: row.state,
  startedVia: row.started_via,
  startedByUserId: row.started_by_user_id,
  startedAt: row.started_at.toISOString(),
  endedAt: iso(row.ended_at),
  durationSeconds: row.duration_seconds,
  sizeBytes: Number(row.size_bytes),
  failure: row.failure,
  filePath: row.file_path,
  segments: segments
    .filter((s) => s.recording_id === row.id)
    .sort((a, b) => a.seq - b.seq)
    .map(toSegment),
});

export const publicRecording = ({ filePath: _file, ...recording }: StoredRecording): CallRecording =>
  recording;

async function withSegments(db: Db, rows: CallRecordingRow[]): Promise<StoredRecording[]> {
  if (rows.length === 0) return [];
  const segments = await db
    .selectFrom('call_recording_segments')
    .selectAll()
    .where(
      'recording_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((row) => toRecording(row, segments));
}

export async function findRecording(db: Db, id: string): Promise<StoredRecording | undefined> {
  const row = await db.selectFrom('call_recordings').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? (await withSegments(db, [row]))[0] : undefined;
}

export async function findRecordingOfCall(db: Db, callId: string): Promise<StoredRecording | undefined> {
  const row = await db
    .selectFrom('call_recordings')
    .selectAll()
    .where('call_id', '=', callId)
    .executeTakeFirst();
  return row ? (await withSegments(db, [row]))[0] : undefined;
}

/** The recordings of these calls (a page of call logs), by call id. */
export async function recordingsOfCalls(db: Db, callIds: string[]): Promise<Map<string, CallRecording>> {
  if (callIds.length === 0) return new Map();
  const rows = await db.selectFrom('call_recordings').selectAll().where('call_id', 'in', callIds).execute();
  return new Map((await withSegments(db, rows)).map((r) => [r.callId, publicRecording(r)]));
}

/** The call's recording, created on its first start (a unique call id: two starts at once make one). */
export async function openRecording(
  db: Db,
  values: { callId: string; startedByUserId: string | null; via: RecordingVia; at: Date },
): Promise<StoredRecording> {
  await db
    .insertInto('call_recordings')
    .values({
      call_id: values.callId,
      started_by_user_id: values.startedByUserId,
      started_via: values.via,
      started_at: values.at,
      state: 'recording',
    })
    .onConflict((oc) => oc.column('call_id').doNothing())
    .execute();
  return (await findRecordingOfCall(db, values.callId))!;
}

export async function setRecording(
  db: Db,
  id: string,
  values: Partial<{
    state: RecordingState;
    failure: string | null;
    endedAt: Date;
    durationSeconds: number;
    sizeBytes: number;
    filePath: string;
  }>,
): Promise<void> {
  await db
    .updateTable('call_recordings')
    .set({
      ...(values.state ? { state: values.state } : {}),
      ...(values.failure !== undefined ? { failure: values.failure } : {}),
      ...(values.endedAt ? { ended_at: values.endedAt } : {}),
      ...(values.durationSeconds !== undefined ? { duration_seconds: values.durationSeconds } : {}),
      ...(values.sizeBytes !== undefined ? { size_bytes: values.sizeBytes } : {}),
      ...(values.filePath ? { file_path: values.filePath } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function insertSegment(
  db: Db,
  values: { recordingId: string; seq: number; name: string; startedByUserId: string | null; at: Date },
): Promise<void> {
  await db
    .insertInto('call_recording_segments')
    .values({
      recording_id: values.recordingId,
      seq: values.seq,
      name: values.name,
      started_by_user_id: values.startedByUserId,
      started_at: values.at,
      state: 'recording',
    })
    .execute();
}

export async function findSegment(
  db: Db,
  name: string,
): Promise<(CallRecordingSegmentRow & { call_id: string }) | undefined> {
  return db
    .selectFrom('call_recording_segments')
    .innerJoin('call_recordings', 'call_recordings.id', 'call_recording_segments.recording_id')
    .selectAll('call_recording_segments')
    .select('call_recordings.call_id')
    .where('call_recording_segments.name', '=', name)
    .executeTakeFirst();
}

/** Every segment still recording, with its call (a reconcile looks for those whose call is gone). */
export async function segmentsRecording(db: Db): Promise<{ name: string; callId: string; seq: number }[]> {
  return db
    .selectFrom('call_recording_segments')
    .innerJoin('call_recordings', 'call_recordings.id', 'call_recording_segments.recording_id')
    .select([
      'call_recording_segments.name',
      'call_recordings.call_id as callId',
      'call_recording_segments.seq',
    ])
    .where('call_recording_segments.state', '=', 'recording')
    .execute();
}

/** Ends a segment still recording; false when it had ended already (a second fact for the same recording). */
export async function endSegment(
  db: Db,
  name: string,
  values: {
    state: 'saved' | 'failed';
    at: Date;
    offsetSeconds?: number;
    durationSeconds?: number;
    failure?: string;
  },
): Promise<boolean> {
  const updated = await db
    .updateTable('call_recording_segments')
    .set({
      state: values.state,
      ended_at: values.at,
      offset_seconds: values.offsetSeconds ?? null,
      duration_seconds: values.durationSeconds ?? null,
      failure: values.failure ?? null,
    })
    .where('name', '=', name)
    .where('state', '=', 'recording')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** Recordings started before `before` (retention), oldest first. */
export async function recordingsStartedBefore(db: Db, before: Date, limit = 500): Promise<StoredRecording[]> {
  const rows = await db
    .selectFrom('call_recordings')
    .selectAll()
    .where('started_at', '<', before)
    .orderBy('started_at')
    .limit(limit)
    .execute();
  return withSegments(db, rows);
}

export async function deleteRecording(db: Db, id: string): Promise<void> {
  await db.deleteFrom('call_recordings').where('id', '=', id).execute();
}
