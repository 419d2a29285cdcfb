import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Kysely } from 'kysely';
import { migrations } from '../../migrations/index.js';

/** Migrations come from a static index, so a bundle or a test never depends on the file system layout. */
const provider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => migrations,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const migrator = (db: Kysely<any>) => new Migrator({ db, provider });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  return check(await migrator(db).migrateToLatest());
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateDown(db: Kysely<any>): Promise<MigrationResultSet> {
  return check(await migrator(db).migrateDown());
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateAllDown(db: Kysely<any>): Promise<void> {
  for (;;) {
    const result = check(await migrator(db).migrateDown());
    if (!result.results?.length) return;
  }
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
