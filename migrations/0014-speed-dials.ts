import { sql, type Kysely } from 'kysely';

/**
 * Speed dials (issue 11, SPEC "Hot desking": part of a user's profile): a small per-user list, dialled as `*0N`
 * (N = slot 0-9) from any phone the user is on, a hot desk included. One row per slot; deleting the user deletes them.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('speed_dials')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('slot', 'smallint', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('speed_dials_pkey', ['user_id', 'slot'])
    .addCheckConstraint('speed_dials_slot', sql`slot BETWEEN 0 AND 9`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('speed_dials').execute();
}
