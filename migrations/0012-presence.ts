import { sql, type Kysely } from 'kysely';

/**
 * Presence (issue 13): the one thing of a user's presence that is theirs to say, a free-text status ("at lunch",
 * at most 100 characters, null for none). Everything else of presence is computed from Asterisk and lives in Redis.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('presence_status', 'text', (c) => c.check(sql`char_length(presence_status) <= 100`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('presence_status').execute();
}
