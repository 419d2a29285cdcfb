import { sql, type Kysely } from 'kysely';

/**
 * Park slots 701-799, one row each, seeded here. A row with a `park_id` is occupied; allocating a slot is one
 * conditional UPDATE (`… WHERE park_id IS NULL`, the lowest free one with `FOR UPDATE SKIP LOCKED`), so two parks,
 * even on two controller instances, never share a slot. The row also keeps what a restarted controller needs:
 * the parked channel, caller ID, parker, times, and the park's whole state (`state`).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('park_slots')
    .addColumn('slot', 'text', (c) => c.primaryKey())
    .addColumn('park_id', 'text', (c) => c.unique())
    .addColumn('channel_id', 'text')
    .addColumn('caller_id_number', 'text')
    .addColumn('caller_id_name', 'text')
    .addColumn('parker_extension', 'text')
    .addColumn('parked_at', 'timestamptz')
    .addColumn('timeout_at', 'timestamptz')
    .addColumn('state', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('park_slots_slot_range', sql`slot ~ '^7[0-9][0-9]$' AND slot <> '700'`)
    .execute();
  const slots = Array.from({ length: 99 }, (_, i) => ({ slot: String(701 + i) }));
  await db.insertInto('park_slots').values(slots).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('park_slots').execute();
}
