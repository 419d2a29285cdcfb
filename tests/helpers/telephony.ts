import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp, type App, type AppDeps } from '../../controller/app.js';
import { createAriConnection } from '../../controller/ari/ari-connection.js';
import type { PbxConnection } from '../../controller/ari/pbx.port.js';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { testConfig, type Config } from '../../controller/config.js';
import type { Db } from '../../controller/db/database.js';
import type { Role } from '../../controller/db/tables/users.js';
import { startAriDouble, type AriDouble, type SimPhone } from '../ari-double/index.js';
import { apiClient } from './fixtures.js';
import { insertUser, login, redisUrl } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface Telephony {
  double: AriDouble;
  app: App;
  db: Db;
  config: Config;
  connection: PbxConnection;
  /** Every event published on the bus, in order. */
  events: AnyPbxEvent[];
  /** A user in the database (before `start()`, so the accounts sync pushes their SIP accounts). */
  addUser(role: Role, extension: string): Promise<TestUser>;
  /** Connects the controller to the double (accounts pushed, calls reconciled). */
  start(): Promise<void>;
  /** Registers a phone for an account the controller pushed (`1001` or `1001-web`). */
  phone(account: string, answerMode?: 'auto' | 'manual' | 'on-headers'): Promise<SimPhone>;
  /** A controller restart: a new connection and app on the same database, Redis prefix and double. */
  restartController(): Promise<void>;
  close(): Promise<void>;
}

export type TestUser = Awaited<ReturnType<typeof insertUser>>;

/** Polls until `check` returns a truthy value (the double and the controller talk asynchronously). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 3000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The ARI double, a real controller app wired to it over a real ARI connection, real Postgres and Redis. */
export async function startTelephony(
  options: { config?: Partial<Config>; app?: Pick<AppDeps, 'now' | 'hotdesk' | 'presence' | 'quality' | 'callSetupTrace'> } = {},
): Promise<Telephony> {
  const double = await startAriDouble();
  const database: TestDatabase = await createTestDatabase();
  const config = testConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}:`,
    ARI_URL: double.url,
    ARI_USERNAME: 'ari',
    ARI_PASSWORD: 'ari',
    ARI_APP: 'pbx',
    ...options.config,
  });
  const users = new Map<string, TestUser>();
  const events: AnyPbxEvent[] = [];
  let parts = await boot();

  async function boot() {
    const redis = new Redis(redisUrl);
    const redisSubscriber = new Redis(redisUrl);
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const connection = createAriConnection({
      url: double.url,
      username: 'ari',
      password: 'ari',
      app: config.ARI_APP,
      logger,
      backoff: { initialMs: 20, maxMs: 100 },
      heartbeatMs: 0,
    });
    const app = await buildApp({
      config,
      logger,
      db: database.db,
      redis,
      redisSubscriber,
      pbxConnection: connection,
      ...options.app,
    });
    await app.relay.ready;
    app.bus.subscribe((event) => events.push(event));
    return { redis, redisSubscriber, connection, app };
  }

  async function shutdown() {
    await parts.connection.stop();
    await parts.app.close();
    parts.redis.disconnect();
    parts.redisSubscriber.disconnect();
  }

  const t: Telephony = {
    double,
    get app() {
      return parts.app;
    },
    get connection() {
      return parts.connection;
    },
    db: database.db,
    config,
    events,
    async addUser(role, extension) {
      const user = await insertUser(database.db, { role, extension });
      users.set(extension, user);
      return user;
    },
    async start() {
      await parts.connection.start();
      await eventually(() => parts.connection.state() === 'connected', 3000, 'ARI connected');
    },
    async phone(account, answerMode = 'auto') {
      const user = users.get(account.replace(/-web$/, ''));
      if (!user) throw new Error(`no test user for ${account}`);
      return eventually(
        () =>
          double.registerPhone(account, { password: user.sip_password, answerMode }).catch(() => undefined),
        3000,
        `account ${account} provisioned`,
      );
    },
    async restartController() {
      await shutdown();
      parts = await boot();
      await t.start();
    },
    async close() {
      await shutdown();
      await double.close();
      await database.drop();
    },
  };
  return t;
}

/** An API client logged in as a test user. */
export async function clientFor(app: App, user: TestUser) {
  return apiClient(app, await login(app, user.username, user.password));
}
