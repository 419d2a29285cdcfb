import { sql, type Kysely } from 'kysely';

/**
 * Hot desking (SPEC "Hot desking", issue 11): who is logged in on which hot desk device. One row per live session;
 * a log-out deletes it (the audit log keeps the history). `device_id` and `user_id` are each unique: a device holds
 * one user and a user is on one desk, and two log-ins of one user on two desks at once cannot both commit — the
 * second insert waits for the first and fails on `hotdesk_sessions_user_id_key` (the database decides, not a check
 * before the insert). Deleting the device or the user ends the session with it.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('hotdesk_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('device_id', 'text', (c) =>
      c.notNull().unique().references('devices.id').onDelete('cascade').onUpdate('cascade'),
    )
    .addColumn('user_id', 'uuid', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_activity_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('hotdesk_sessions_via', sql`via IN ('phone', 'api')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('hotdesk_sessions').execute();
}
