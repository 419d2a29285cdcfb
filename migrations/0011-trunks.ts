import { sql, type Kysely } from 'kysely';

/**
 * Trunks (SPEC "Trunks and the outside world", issue 13): a SIP provider or another PBX, pushed to Asterisk as the
 * PJSIP objects `trunk-<id>` (`controller/features/trunks/trunk-names.ts`). `match` holds the addresses or CIDRs
 * its calls come from (the `identify`); `username`/`password` are the outbound credentials (kept in clear like the
 * accounts' SIP passwords: Asterisk needs them), `register` an outbound registration. Outbound calls leave through
 * the first trunk: the lowest `created_at` (then `id`), indexed.
 *
 * The outbound permission on users (issue 11/13): `outbound_allowed` (default true, as FreePBX) and
 * `outbound_caller_id` (E.164, or null: the trunk's `caller_id`).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trunks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull().defaultTo(5060))
    .addColumn('transport', 'text', (c) => c.notNull().defaultTo('udp'))
    .addColumn('username', 'text')
    .addColumn('password', 'text')
    .addColumn('register', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('match', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('caller_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('trunks_port_range', sql`port BETWEEN 1 AND 65535`)
    .addCheckConstraint('trunks_transport', sql`transport IN ('udp', 'tcp')`)
    .addCheckConstraint('trunks_register_credentials', sql`NOT register OR (username IS NOT NULL AND password IS NOT NULL)`)
    .execute();
  await sql`CREATE UNIQUE INDEX trunks_name_key ON trunks (lower(name))`.execute(db);
  await db.schema.createIndex('trunks_created_at_idx').on('trunks').columns(['created_at', 'id']).execute();
  await db.schema
    .alterTable('users')
    .addColumn('outbound_allowed', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('outbound_caller_id', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('outbound_allowed').dropColumn('outbound_caller_id').execute();
  await db.schema.dropTable('trunks').execute();
}
