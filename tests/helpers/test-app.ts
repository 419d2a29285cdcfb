import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp, type App } from '../../controller/app.js';
import { testConfig, type Config } from '../../controller/config.js';
import type { Db } from '../../controller/db/database.js';
import type { Role } from '../../controller/db/tables/users.js';
import { hashSecret, randomSipPassword } from '../../controller/features/auth/password.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestApp {
  app: App;
  db: Db;
  config: Config;
  close(): Promise<void>;
}

/** A real controller app (not listening) on a fresh database and its own Redis key prefix. */
export async function createTestApp(
  options: { database?: TestDatabase; config?: Partial<Config> } = {},
): Promise<TestApp & { database: TestDatabase }> {
  const database = options.database ?? (await createTestDatabase());
  const prefix = options.config?.REDIS_PREFIX ?? `test-${randomBytes(4).toString('hex')}:`;
  const config = testConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    ...options.config,
  });
  const redis = new Redis(redisUrl);
  const redisSubscriber = new Redis(redisUrl);
  const app = await buildApp({
    config,
    logger: pino({ level: 'silent' }),
    db: database.db,
    redis,
    redisSubscriber,
  });
  await app.relay.ready;
  return {
    app,
    db: database.db,
    config,
    database,
    async close() {
      await app.close();
      redis.disconnect();
      redisSubscriber.disconnect();
      if (!options.database) await database.drop();
    },
  };
}

let extensionCounter = 2000;

/** Inserts a user straight into the database (test set-up, not the API under test). */
export async function insertUser(
  db: Db,
  fields: { role: Role; username?: string; password?: string; extension?: string; teamId?: string | null },
) {
  const extension = fields.extension ?? String(extensionCounter++);
  const username = fields.username ?? `${fields.role}-${extension}`;
  const password = fields.password ?? 'correct horse battery';
  const row = await db
    .insertInto('users')
    .values({
      username,
      display_name: `Test ${fields.role} ${extension}`,
      extension,
      role: fields.role,
      team_id: fields.teamId ?? null,
      password_hash: await hashSecret(password),
      sip_password: randomSipPassword(),
      pin_hash: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...row, password };
}

/** Logs in through the API and returns the bearer header. */
export async function login(
  app: App,
  username: string,
  password: string,
): Promise<{ authorization: string }> {
  const response = await app.server.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
}
