import { sql, type Kysely } from 'kysely';

/**
 * Paging groups and zones (SPEC "Paging"). Their numbers (800-899) share one table, `paging_numbers`, whose primary
 * key makes a number unique across groups and zones: two admins creating 801 at once, one as a group and one as a
 * zone, get one row and one 409 — the database decides, never a check before the insert. Groups and zones reference
 * their number (`ON UPDATE CASCADE`: renumbering is one UPDATE of `paging_numbers`).
 *
 * Members are extensions referencing `users.extension` (a user's new extension follows; a deleted user leaves every
 * group). A zone lists groups; a group in a zone cannot be deleted (RESTRICT: a zone must not shrink silently).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('paging_numbers')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addCheckConstraint('paging_numbers_range', sql`number ~ '^8[0-9][0-9]$'`)
    .addCheckConstraint('paging_numbers_kind', sql`kind IN ('group', 'zone')`)
    .execute();
  await db.schema
    .createTable('paging_groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('number', 'text', (c) =>
      c.notNull().unique().references('paging_numbers.number').onUpdate('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('everyone', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal'))
    .addColumn('busy_policy', 'text', (c) => c.notNull().defaultTo('skip'))
    .addColumn('beep', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('max_seconds', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('paging_groups_priority', sql`priority IN ('normal', 'emergency')`)
    .addCheckConstraint('paging_groups_busy_policy', sql`busy_policy IN ('skip', 'force')`)
    .addCheckConstraint('paging_groups_max_seconds', sql`max_seconds BETWEEN 1 AND 3600`)
    .execute();
  await db.schema
    .createTable('paging_group_members')
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('paging_groups.id').onDelete('cascade'))
    .addColumn('extension', 'text', (c) =>
      c.notNull().references('users.extension').onUpdate('cascade').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('paging_group_members_pkey', ['group_id', 'extension'])
    .execute();
  await db.schema
    .createIndex('paging_group_members_extension_idx')
    .on('paging_group_members')
    .column('extension')
    .execute();
  await db.schema
    .createTable('paging_zones')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('number', 'text', (c) =>
      c.notNull().unique().references('paging_numbers.number').onUpdate('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('paging_zone_groups')
    .addColumn('zone_id', 'uuid', (c) => c.notNull().references('paging_zones.id').onDelete('cascade'))
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('paging_groups.id').onDelete('restrict'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('paging_zone_groups_pkey', ['zone_id', 'group_id'])
    .execute();
  await db.schema
    .createIndex('paging_zone_groups_group_id_idx')
    .on('paging_zone_groups')
    .column('group_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('paging_zone_groups').execute();
  await db.schema.dropTable('paging_zones').execute();
  await db.schema.dropTable('paging_group_members').execute();
  await db.schema.dropTable('paging_groups').execute();
  await db.schema.dropTable('paging_numbers').execute();
}
