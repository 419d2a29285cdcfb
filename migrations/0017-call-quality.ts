import { sql, type Kysely } from 'kysely';

/**
 * Call quality (issue 17): per call leg, the RTP figures sampled while it ran (RTCP through `CHANNEL(rtcp,all,audio)`)
 * and the MOS the E-model gives, written when the call ends and shown on its call log. Keyed by the call's id like
 * `call_logs.call_id` (no foreign key: the call log row and this one are written independently at the call's end).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('call_quality')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('samples', 'integer', (c) => c.notNull())
    .addColumn('jitter_ms_avg', 'real', (c) => c.notNull())
    .addColumn('jitter_ms_max', 'real', (c) => c.notNull())
    .addColumn('loss_pct', 'real', (c) => c.notNull())
    .addColumn('rtt_ms_avg', 'real', (c) => c.notNull())
    .addColumn('rtt_ms_max', 'real', (c) => c.notNull())
    .addColumn('mos_min', 'real', (c) => c.notNull())
    .addColumn('mos_avg', 'real', (c) => c.notNull())
    .addColumn('mos_last', 'real', (c) => c.notNull())
    .addColumn('poor_alerts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_sample_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_sample_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('call_quality_leg', ['call_id', 'channel_id'])
    .addCheckConstraint('call_quality_samples', sql`samples > 0`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('call_quality').execute();
}
