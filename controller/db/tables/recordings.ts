import type { ColumnType, Generated, Selectable } from 'kysely';

export type RecordingState = 'recording' | 'stopped' | 'failed';
export type RecordingVia = 'phone' | 'api' | 'policy';
export type SegmentState = 'recording' | 'saved' | 'failed';

/** One call's recording (migration 0016): its segments' audio in one WAV, `file_path`. */
export interface CallRecordingsTable {
  id: Generated<string>;
  call_id: string;
  started_by_user_id: string | null;
  started_via: RecordingVia;
  started_at: Date;
  ended_at: Date | null;
  duration_seconds: ColumnType<number, number | undefined, number>;
  size_bytes: ColumnType<number, number | undefined, number>;
  state: RecordingState;
  failure: string | null;
  file_path: string | null;
}
export type CallRecordingRow = Selectable<CallRecordingsTable>;

/** A stretch of a call's recording between a start and a stop: one Asterisk recording, `name`. */
export interface CallRecordingSegmentsTable {
  recording_id: string;
  seq: number;
  name: string;
  started_by_user_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  offset_seconds: number | null;
  duration_seconds: number | null;
  state: SegmentState;
  failure: string | null;
}
export type CallRecordingSegmentRow = Selectable<CallRecordingSegmentsTable>;

/** A supervisor's timestamped note on a recording. */
export interface RecordingAnnotationsTable {
  id: Generated<string>;
  recording_id: string;
  author_user_id: string | null;
  author: string;
  offset_seconds: number;
  text: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}
export type RecordingAnnotationRow = Selectable<RecordingAnnotationsTable>;

/** A team's policy: record every routed call (after an announcement). No row: off. */
export interface TeamRecordingPoliciesTable {
  team_id: string;
  record_routed_calls: boolean;
  announcement: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
