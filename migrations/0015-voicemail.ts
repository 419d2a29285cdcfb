import { sql, type Kysely } from 'kysely';

/**
 * Voicemail (issue 17): a mailbox per user (off until an admin enables it; the PIN hashed like hot desk PINs), the
 * messages' metadata (the audio is a WAV file in VOICEMAIL_DIR named by `recording_name`), and `voicemail` as a
 * call log disposition (a call the mailbox took: the caller left, or could have left, a message).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('voicemail_boxes')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('pin_hash', 'text')
    .addColumn('greeting', 'text', (c) => c.notNull().defaultTo('standard'))
    /** The recorded greeting's file name in VOICEMAIL_DIR (null: none recorded). */
    .addColumn('greeting_file', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('voicemail_boxes_greeting', sql`greeting IN ('standard', 'recorded')`)
    .execute();
  await db.schema
    .createTable('voicemail_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('mailbox_user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('from_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_seconds', 'integer', (c) => c.notNull())
    .addColumn('heard', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('recording_name', 'text', (c) => c.notNull().unique())
    .addColumn('file_path', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('voicemail_messages_mailbox_idx')
    .on('voicemail_messages')
    .columns(['mailbox_user_id', 'received_at'])
    .execute();
  await sql`ALTER TABLE call_logs DROP CONSTRAINT IF EXISTS call_logs_disposition_check`.execute(db);
  await sql`ALTER TABLE call_logs ADD CONSTRAINT call_logs_disposition_check CHECK (disposition IN
    ('answered', 'busy', 'no-answer', 'unavailable', 'unknown-number', 'cancelled', 'failed', 'voicemail'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`UPDATE call_logs SET disposition = 'no-answer' WHERE disposition = 'voicemail'`.execute(db);
  await sql`ALTER TABLE call_logs DROP CONSTRAINT IF EXISTS call_logs_disposition_check`.execute(db);
  await sql`ALTER TABLE call_logs ADD CONSTRAINT call_logs_disposition_check CHECK (disposition IN
    ('answered', 'busy', 'no-answer', 'unavailable', 'unknown-number', 'cancelled', 'failed'))`.execute(db);
  await db.schema.dropTable('voicemail_messages').execute();
  await db.schema.dropTable('voicemail_boxes').execute();
}
