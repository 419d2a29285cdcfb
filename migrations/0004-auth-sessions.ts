import { sql, type Kysely } from 'kysely';

/**
 * Revocable log-ins. A user's `token_version` is in every token and must match on every request and socket: it is
 * bumped when the password or role changes and on "log out everywhere", which ends all their tokens at once. Each
 * log-in is an `auth_sessions` row: its access and refresh tokens name it, `POST /api/auth/logout` revokes it, and
 * `refresh_generation` makes a refresh token single-use (a replayed one revokes the session).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('auth_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('refresh_generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('auth_sessions_user_id').on('auth_sessions').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('auth_sessions').execute();
  await db.schema.alterTable('users').dropColumn('token_version').execute();
}
