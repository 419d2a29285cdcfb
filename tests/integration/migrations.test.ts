import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAllDown, migrateToLatest } from '../../controller/db/migrate.js';
import { migrations } from '../../migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});
afterAll(async () => database?.drop());

const tables = async () => {
  const result = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by 1`.execute(database.db);
  return result.rows.map((row) => row.name);
};
const indexes = async () => {
  const result = await sql<{ name: string }>`
    select indexname as name from pg_indexes where schemaname = 'public' and tablename not like 'kysely_%' order by 1`.execute(
    database.db,
  );
  return result.rows.map((row) => row.name);
};

const expectedTables = [
  'audit_log',
  'auth_sessions',
  'call_logs',
  'call_quality',
  'call_recording_segments',
  'call_recordings',
  'contact_assignments',
  'contacts',
  'devices',
  'hotdesk_sessions',
  'inbound_routes',
  'notes',
  'paging_group_members',
  'paging_groups',
  'paging_numbers',
  'paging_zone_groups',
  'paging_zones',
  'park_slots',
  'recording_annotations',
  'speed_dials',
  'team_recording_policies',
  'teams',
  'trunks',
  'users',
  'voicemail_boxes',
  'voicemail_messages',
];

describe('migrations', () => {
  it('go up on a fresh database, all the way down, and up again to the same schema', async () => {
    const up = await migrateToLatest(database.db);
    expect(up.results?.map((r) => [r.migrationName, r.status])).toEqual(
      Object.keys(migrations).map((name) => [name, 'Success']),
    );
    expect(await tables()).toEqual(expectedTables);
    const schema = await indexes();
    expect(schema).toEqual(
      expect.arrayContaining([
        'users_username_key',
        'teams_name_key',
        'notes_contact_idx',
        'hotdesk_sessions_device_id_key',
        'hotdesk_sessions_user_id_key',
        'trunks_name_key',
        'trunks_created_at_idx',
        'inbound_routes_did_key',
        'call_logs_rung_users_idx',
        'call_logs_contact_idx',
        'voicemail_messages_mailbox_idx',
        'voicemail_messages_recording_name_key',
        'call_quality_leg',
      ]),
    );

    await migrateAllDown(database.db);
    expect(await tables()).toEqual([]);

    await migrateToLatest(database.db);
    expect(await tables()).toEqual(expectedTables);
    expect(await indexes()).toEqual(schema);
  });

  it('running migrateToLatest again is a no-op', async () => {
    const again = await migrateToLatest(database.db);
    expect(again.error).toBeUndefined();
    expect(again.results).toEqual([]);
    const second = await migrateToLatest(database.db);
    expect(second.results).toEqual([]);
  });
});
