import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './tables/index.js';

export type Db = Kysely<Database>;

// timestamptz and bigint come back as Date and string by default; counts stay strings, so parse int8.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createDb(databaseUrl: string, maxConnections = 10): Db {
  // Bounded waits: during a database blip a call's lock must not hang forever on a query (calls go on; logs catch up).
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: maxConnections,
    connectionTimeoutMillis: 5000,
    query_timeout: 15_000,
  });
  // An idle client that errors (server restart) must not take the process down; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor one in use: pg emits 'error' on a checked-out client whose connection ends (PostgreSQL gone mid-query or
  // mid-transaction), and the pool listens only on idle ones, so that error was uncaught and the controller exited.
  // The query in flight still fails (pg rejects it first); the pool drops the broken client on its release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
