import { sql, type Kysely } from 'kysely';

/**
 * The contact centre (issue 13): inbound routes (a DID → a team, how long the contact's assigned agents ring alone,
 * and the fallback when nobody is available or nobody answers), and what a call log needs to say about a routed or
 * outside call: the trunk and the DID it came in on, every agent rung (`rung_user_ids`, GIN-indexed for the agent
 * filter and for who sees the log), and the routing path (`{assigned,team,fallback}` as it happened). Notes can be
 * edited (`updated_at`). `trunk_id` references the trunk (migration 0011); a deleted trunk leaves its history.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbound_routes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('did', 'text', (c) => c.notNull().unique())
    .addColumn('team_id', 'uuid', (c) => c.notNull().references('teams.id').onDelete('restrict'))
    .addColumn('assigned_ring_seconds', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('fallback_kind', 'text', (c) => c.notNull())
    .addColumn('fallback_target', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('inbound_routes_did_format', sql`did ~ '^\\+[1-9][0-9]{6,14}$'`)
    .addCheckConstraint(
      'inbound_routes_assigned_ring_seconds',
      sql`assigned_ring_seconds BETWEEN 0 AND 300`,
    )
    .addCheckConstraint(
      'inbound_routes_fallback',
      sql`(fallback_kind = 'hangup' AND fallback_target IS NULL)
        OR (fallback_kind IN ('extension', 'external') AND fallback_target IS NOT NULL)`,
    )
    .execute();
  await db.schema.createIndex('inbound_routes_team_idx').on('inbound_routes').column('team_id').execute();

  await db.schema
    .alterTable('call_logs')
    .addColumn('trunk_id', 'uuid', (c) => c.references('trunks.id').onDelete('set null'))
    .addColumn('did', 'text')
    .addColumn('rung_user_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('routing_path', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await sql`CREATE INDEX call_logs_rung_users_idx ON call_logs USING gin (rung_user_ids)`.execute(db);
  await db.schema
    .createIndex('call_logs_contact_idx')
    .on('call_logs')
    .columns(['contact_id', 'started_at'])
    .execute();
  await sql`CREATE INDEX call_logs_started_id_idx ON call_logs (started_at DESC, id DESC)`.execute(db);

  await db.schema.alterTable('notes').addColumn('updated_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notes').dropColumn('updated_at').execute();
  await db.schema.dropIndex('call_logs_started_id_idx').execute();
  await db.schema.dropIndex('call_logs_contact_idx').execute();
  await db.schema.dropIndex('call_logs_rung_users_idx').execute();
  await db.schema
    .alterTable('call_logs')
    .dropColumn('trunk_id')
    .dropColumn('did')
    .dropColumn('rung_user_ids')
    .dropColumn('routing_path')
    .execute();
  await db.schema.dropTable('inbound_routes').execute();
}
