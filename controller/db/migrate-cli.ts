import { parseConfig } from '../config.js';
import { createDb } from './database.js';
import { migrateAllDown, migrateDown, migrateToLatest } from './migrate.js';

/** `npm run migrate` (up to latest), `npm run migrate -- down` (one step), `-- reset` (all down, then up). */
const command = process.argv[2] ?? 'up';
const parsed = parseConfig({ JWT_SECRET: 'migrations-only-need-the-database-url!', ...process.env });
if (!parsed.ok) {
  console.error(parsed.problems.join('\n'));
  process.exit(1);
}
const db = createDb(parsed.config.DATABASE_URL, 1);
try {
  if (command === 'down') await migrateDown(db);
  else if (command === 'reset') {
    await migrateAllDown(db);
    await migrateToLatest(db);
  } else if (command === 'up') await migrateToLatest(db);
  else throw new Error(`unknown migrate command "${command}" (use up, down or reset)`);
  process.stdout.write(`migrate ${command}: done\n`);
} catch (error) {
  console.error(String(error instanceof Error ? error.message : error));
  process.exitCode = 1;
} finally {
  await db.destroy();
}
