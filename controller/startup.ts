import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemoData } from './features/users/demo-seed.js';
import { ensureFirstAdmin } from './features/users/first-admin.js';

/** A URL as it may be logged: without its password. */
export function safeUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** The root cause of an error in a few words (pg, ioredis and Node wrap theirs). */
export function reasonOf(error: unknown): string {
  let current = error as { message?: string; code?: string; cause?: unknown; errors?: unknown[] } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  // A connection refused on both IPv4 and IPv6 is an AggregateError with an empty message.
  if (current && !current.message && Array.isArray(current.errors) && current.errors.length) {
    return reasonOf(current.errors[0]);
  }
  return current?.message || current?.code || String(error);
}

/** One line for a failure to listen: the setting to change and what was tried. */
export function listenProblem(
  error: unknown,
  host: string,
  port: number,
  setting: 'HTTP_PORT' | 'HTTPS_PORT' = 'HTTP_PORT',
): string {
  const code = (error as { code?: string }).code;
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `${setting}: ${where} is already in use by another program; stop it or choose another ${setting}`;
    case 'EACCES':
      return `${setting}: not allowed to listen on ${where} (ports below 1024 need privileges); choose another ${setting}`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `HTTP_HOST: ${host} is not an address of this machine; use 0.0.0.0 or one of its addresses`;
    default:
      return `HTTP_HOST/${setting}: cannot listen on ${where}: ${reasonOf(error)}`;
  }
}

/**
 * Brings the database up to date (migrations, first admin, demo data), retrying until it works: a database that
 * is not there yet (or a typo in DATABASE_URL) gives one line per attempt, never a stack trace or an exit.
 */
export async function prepareDatabase(
  db: Db,
  config: Config,
  logger: Logger,
  stopped: () => boolean,
): Promise<boolean> {
  for (let attempt = 0; !stopped(); attempt++) {
    try {
      await migrateToLatest(db);
      if (
        await ensureFirstAdmin(db, {
          username: config.ADMIN_USERNAME,
          password: config.ADMIN_PASSWORD,
          extension: config.ADMIN_EXTENSION,
        })
      ) {
        logger.info({ username: config.ADMIN_USERNAME }, 'created the first admin');
      }
      if (config.SEED_DEMO_DATA) {
        const created = await seedDemoData(db);
        if (created.length) logger.info({ created }, 'seeded the demo data');
      }
      return true;
    } catch (error) {
      const seconds = Math.min(1 + attempt * 2, 10);
      logger.error(
        `DATABASE_URL (${safeUrl(config.DATABASE_URL)}): ${reasonOf(error)}; retrying in ${seconds} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  }
  return false;
}

/** Logs Redis trouble once per change (not once per reconnect attempt), naming the setting, and its recovery. */
export function reportRedis(
  connection: Redis,
  config: Pick<Config, 'REDIS_URL'>,
  logger: Logger,
  role: string,
): void {
  let last: string | undefined;
  connection.on('error', (error) => {
    const reason = reasonOf(error);
    if (reason === last) return;
    last = reason;
    logger.error(`REDIS_URL (${safeUrl(config.REDIS_URL)}, ${role}): ${reason}; retrying`);
  });
  connection.on('ready', () => {
    if (last !== undefined) logger.info(`REDIS_URL (${safeUrl(config.REDIS_URL)}, ${role}): connected again`);
    last = undefined;
  });
}
