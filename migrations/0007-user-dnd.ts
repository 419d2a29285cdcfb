import type { Kysely } from 'kysely';

/**
 * Do not disturb, the user's one flag (SPEC "DND and forwarding"): `PUT /api/users/{id}/dnd`, later `*76`/`*78`/`*79`.
 * Paging skips a user in DND (an emergency page does not); calls will honour it too. One column, read by every
 * feature through `controller/db/dnd.repository.ts`.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('dnd', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('dnd').execute();
}
