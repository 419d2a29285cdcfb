import { sql, type Kysely } from 'kysely';

/**
 * Call recording (issue 17): one recording per call (the bridge's mix, in segments when it is stopped and started
 * again; the served audio is one WAV in RECORDINGS_DIR holding every saved segment in order), supervisors'
 * annotations on it (timestamped notes), and each team's policy of recording every routed call.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('call_recordings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    /** The call (`call_logs.call_id`): its log lists the recording. */
    .addColumn('call_id', 'text', (c) => c.notNull().unique())
    /** Who started it first (null: the team's policy). */
    .addColumn('started_by_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('started_via', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    /** Seconds of audio saved (every segment). */
    .addColumn('duration_seconds', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('size_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('failure', 'text')
    /** The WAV in RECORDINGS_DIR (null until a segment is saved). */
    .addColumn('file_path', 'text')
    .addCheckConstraint('call_recordings_state', sql`state IN ('recording', 'stopped', 'failed')`)
    .addCheckConstraint('call_recordings_via', sql`started_via IN ('phone', 'api', 'policy')`)
    .execute();
  await db.schema
    .createIndex('call_recordings_started_idx')
    .on('call_recordings')
    .column('started_at')
    .execute();
  await db.schema
    .createTable('call_recording_segments')
    .addColumn('recording_id', 'uuid', (c) =>
      c.notNull().references('call_recordings.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    /** Asterisk's recording name, `call-<callId>-<seq>`. */
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('started_by_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    /** Where the segment begins in the recording's WAV (null until saved). */
    .addColumn('offset_seconds', 'real')
    .addColumn('duration_seconds', 'real')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('failure', 'text')
    .addPrimaryKeyConstraint('call_recording_segments_pk', ['recording_id', 'seq'])
    .addCheckConstraint('call_recording_segments_state', sql`state IN ('recording', 'saved', 'failed')`)
    .execute();
  await db.schema
    .createTable('recording_annotations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('recording_id', 'uuid', (c) =>
      c.notNull().references('call_recordings.id').onDelete('cascade'),
    )
    .addColumn('author_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('offset_seconds', 'real', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('recording_annotations_recording_idx')
    .on('recording_annotations')
    .columns(['recording_id', 'offset_seconds'])
    .execute();
  await db.schema
    .createTable('team_recording_policies')
    .addColumn('team_id', 'uuid', (c) => c.primaryKey().references('teams.id').onDelete('cascade'))
    .addColumn('record_routed_calls', 'boolean', (c) => c.notNull().defaultTo(false))
    /** Stock sound names played into the bridge before recording starts (empty: no announcement). */
    .addColumn('announcement', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('team_recording_policies').execute();
  await db.schema.dropTable('recording_annotations').execute();
  await db.schema.dropTable('call_recording_segments').execute();
  await db.schema.dropTable('call_recordings').execute();
}
