import type { Kysely } from 'kysely';

/**
 * A contact's owning team (`team_id`; null = shared by the whole office). Supervisors read their team's contacts and
 * the shared ones, and change only their team's (see contacts.access.ts). Contacts that exist already become shared.
 * A team that still owns contacts cannot be deleted (ON DELETE RESTRICT, like its members): deleting it must not
 * quietly share its contacts with everyone.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('contacts')
    .addColumn('team_id', 'uuid', (c) => c.references('teams.id').onDelete('restrict'))
    .execute();
  await db.schema.createIndex('contacts_team_id_idx').on('contacts').column('team_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('contacts_team_id_idx').execute();
  await db.schema.alterTable('contacts').dropColumn('team_id').execute();
}
