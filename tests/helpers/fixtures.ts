import { randomBytes } from 'node:crypto';
import type { App } from '../../controller/app.js';
import type { Db } from '../../controller/db/database.js';
import type { Database } from '../../controller/db/tables/index.js';
import { insertUser, login } from './test-app.js';
import type { Role } from '../../controller/db/tables/users.js';

/** Inserts a team straight into the database (test set-up). */
export async function insertTeam(db: Db, name = `Team ${randomBytes(3).toString('hex')}`) {
  return db.insertInto('teams').values({ name }).returningAll().executeTakeFirstOrThrow();
}

export async function countRows(db: Db, table: keyof Database): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `app.server.inject` with a bearer header: `api.get('/api/users')`, `api.post('/api/users', body)`. */
export function apiClient(app: App, headers: Record<string, string> = {}) {
  const send = (method: Method, url: string, payload?: unknown) =>
    app.server.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return {
    headers,
    get: (url: string) => send('GET', url),
    post: (url: string, body: unknown) => send('POST', url, body),
    put: (url: string, body: unknown) => send('PUT', url, body),
    patch: (url: string, body: unknown) => send('PATCH', url, body),
    delete: (url: string) => send('DELETE', url),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

/** A user inserted straight into the database, with an API client logged in as them. */
export async function userWithClient(
  app: App,
  db: Db,
  fields: { role: Role; username?: string; extension?: string; teamId?: string | null },
) {
  const user = await insertUser(db, fields);
  const api = apiClient(app, await login(app, user.username, user.password));
  return { user, api };
}
