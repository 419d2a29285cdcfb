import { sql } from 'kysely';
import type { Db } from '../../controller/db/database.js';

/**
 * A digest of what the database holds, table by table, to show that a refused request changed nothing.
 *
 * Left out by design: the audit rows that record a refusal (`access.refused`, written after every 403 by
 * controller/http/refusal-audit.ts, not awaited; `auth.login-failed`; `hotdesk.login-failed` and `hotdesk.locked`
 * for wrong hot desk PINs; `supervision.refused`: SPEC audits every supervision attempt). Every other audit row
 * counts, so a refused request that audits a change it did not make is caught. The migration bookkeeping tables
 * (`kysely_migration*`) are left out too: only migrations write them.
 */
export const refusalActions = [
  'access.refused',
  'auth.login-failed',
  'hotdesk.login-failed',
  'hotdesk.locked',
  'supervision.refused',
] as const;

export type DbDigest = Record<string, string>;

let tablesCache: { db: Db; query: string } | undefined;

async function digestQuery(db: Db): Promise<string> {
  if (tablesCache?.db === db) return tablesCache.query;
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%'
    order by table_name`.execute(db);
  const refused = refusalActions.map((a) => `'${a}'`).join(', ');
  const query = rows
    .map(({ name }) => {
      const where = name === 'audit_log' ? ` where t.action not in (${refused})` : '';
      const digest = `count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '')`;
      return `select '${name}' as name, ${digest} as digest from "${name}" t${where}`;
    })
    .join(' union all ');
  tablesCache = { db, query };
  return query;
}

/** Row count and md5 of every row, per table of the public schema (see above for what is left out). */
export async function dbDigest(db: Db): Promise<DbDigest> {
  const { rows } = await sql<{ name: string; digest: string }>`${sql.raw(await digestQuery(db))}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

/** The tables whose digest differs. */
export const changedTables = (before: DbDigest, after: DbDigest): string[] =>
  Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
