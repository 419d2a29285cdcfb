import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('teams')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE UNIQUE INDEX teams_name_key ON teams (lower(name))`.execute(db);

  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('extension', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('admin', 'supervisor', 'agent')`))
    .addColumn('team_id', 'uuid', (c) => c.references('teams.id').onDelete('restrict'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('sip_password', 'text', (c) => c.notNull())
    .addColumn('pin_hash', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_extension_format', sql`extension ~ '^[0-9]{3,5}$'`)
    .execute();
  await sql`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`.execute(db);
  await db.schema.createIndex('users_team_id_idx').on('users').column('team_id').execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('hotdesk', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('owner_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('sip_password', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A device's SIP account is named by its id: never all digits (an extension) nor ending in -web.
    .addCheckConstraint(
      'devices_id_format',
      sql`id ~ '^[a-z][a-z0-9_-]{1,39}$' AND id !~ '-web$'`,
    )
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('company', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('phone_numbers', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX contacts_phone_numbers_idx ON contacts USING gin (phone_numbers)`.execute(db);

  await db.schema
    .createTable('contact_assignments')
    .addColumn('contact_id', 'uuid', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('contact_assignments_pkey', ['contact_id', 'user_id'])
    .execute();
  await db.schema.createIndex('contact_assignments_user_idx').on('contact_assignments').column('user_id').execute();

  await db.schema
    .createTable('call_logs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('call_id', 'text', (c) => c.notNull().unique())
    .addColumn('direction', 'text', (c) =>
      c.notNull().check(sql`direction IN ('internal', 'inbound', 'outbound')`),
    )
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('from_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('caller_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('answered_by_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('answered_by_extension', 'text')
    .addColumn('contact_id', 'uuid', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('disposition', 'text', (c) =>
      c.check(
        sql`disposition IN ('answered', 'busy', 'no-answer', 'unavailable', 'unknown-number', 'cancelled', 'failed')`,
      ),
    )
    .execute();
  await db.schema.createIndex('call_logs_started_at_idx').on('call_logs').column('started_at').execute();

  await db.schema
    .createTable('notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('call_log_id', 'uuid', (c) => c.references('call_logs.id').onDelete('cascade'))
    .addColumn('contact_id', 'uuid', (c) => c.references('contacts.id').onDelete('cascade'))
    .addColumn('author_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('notes_one_subject', sql`num_nonnulls(call_log_id, contact_id) = 1`)
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'notes', 'call_logs', 'contact_assignments', 'contacts', 'devices', 'users', 'teams']) {
    await db.schema.dropTable(table).execute();
  }
}
