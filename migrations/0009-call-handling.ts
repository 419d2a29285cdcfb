import { sql, type Kysely } from 'kysely';

/**
 * Personal call handling (issue 12): forwarding (unconditional, on busy, on no answer after N seconds), ring settings
 * (strategy, targets, schedule) on the user, read through `controller/db/call-handling.repository.ts`; and the path a
 * forwarded call took, on its log row (`['1002', '1003']`: dialled 1002, forwarded to 1003). DND stays `users.dnd`
 * (migration 0007).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('forward_always', 'text')
    .addColumn('forward_busy', 'text')
    .addColumn('forward_no_answer', 'text')
    .addColumn('forward_no_answer_seconds', 'integer')
    .addColumn('ring_settings', 'jsonb')
    .execute();
  await db.schema
    .alterTable('call_logs')
    .addColumn('forward_path', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('call_logs').dropColumn('forward_path').execute();
  await db.schema
    .alterTable('users')
    .dropColumn('forward_always')
    .dropColumn('forward_busy')
    .dropColumn('forward_no_answer')
    .dropColumn('forward_no_answer_seconds')
    .dropColumn('ring_settings')
    .execute();
}
