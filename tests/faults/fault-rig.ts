import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Role } from '../../controller/db/tables/users.js';
import { startAriDouble, type AnswerMode, type AriDouble, type SimPhone } from '../ari-double/index.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { insertUser, redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { connectEvents, type EventsClient } from '../helpers/ws-client.js';
import { controllerProcess, type ControllerProcess } from './controller-process.js';
import { until } from './until.js';

/**
 * The fault rig: the real controller as a child process, reaching PostgreSQL, Redis and the ARI double (in this
 * process, so tests drive its phones) each through a TCP proxy the test can cut.
 */
export interface FaultRig {
  double: AriDouble;
  database: TestDatabase;
  /** A direct connection to the same Redis (not through the proxy), for checks. */
  redis: Redis;
  prefix: string;
  proxies: { postgres: TcpProxy; redis: TcpProxy; ari: TcpProxy };
  controller: ControllerProcess;
  users: Record<string, TestUser>;
  phones: Record<string, SimPhone>;
  /** An API client logged in as the user of that extension (admin: 1000). */
  as(extension: string): Promise<ApiClient>;
  admin(): Promise<ApiClient>;
  /** Registers every phone of the plan again (after an Asterisk restart forgot their registrations). */
  registerPhones(): Promise<void>;
  /** Kills the controller (SIGKILL by default), starts it again with the same env, waits until it is ready. */
  restartController(signal?: NodeJS.Signals): Promise<void>;
  /** The WebSocket `/api/events` of a user, with its bearer header. */
  events(extension?: string): Promise<EventsClient>;
  close(): Promise<void>;
}

export type TestUser = Awaited<ReturnType<typeof insertUser>>;

export interface RigPlan {
  /** extension → role; every user gets a desk phone (and a webphone when listed in `webphones`). */
  users: Record<string, Role>;
  answerModes?: Record<string, AnswerMode>;
  webphones?: string[];
  /** Users without a desk phone registered (a hot desk user, reached on the desk they log into). */
  noPhone?: string[];
  env?: Record<string, string>;
}

export interface ApiClient {
  get(url: string): Promise<Reply>;
  post(url: string, body?: unknown): Promise<Reply>;
  put(url: string, body: unknown): Promise<Reply>;
  patch(url: string, body: unknown): Promise<Reply>;
  delete(url: string): Promise<Reply>;
  headers: Record<string, string>;
}
export interface Reply {
  status: number;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

const ADMIN = { username: 'fault-admin', password: 'fault-admin-password-1', extension: '1000' };
// Random each run: a published test secret is refused by the controller (config.ts secretWeakness).
const jwtSecret = () => randomBytes(36).toString('base64');

async function send(base: string, method: string, url: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: text, json: <T>() => JSON.parse(text) as T };
}

export function apiClient(base: string, headers: Record<string, string> = {}): ApiClient {
  return {
    headers,
    get: (url) => send(base, 'GET', url, headers),
    post: (url, body = {}) => send(base, 'POST', url, headers, body),
    put: (url, body) => send(base, 'PUT', url, headers, body),
    patch: (url, body) => send(base, 'PATCH', url, headers, body),
    delete: (url) => send(base, 'DELETE', url, headers),
  };
}

export async function startFaultRig(plan: RigPlan): Promise<FaultRig> {
  const double = await startAriDouble({ username: 'ari', password: 'ari' });
  const database = await createTestDatabase();
  const redisTarget = new URL(redisUrl);
  const postgresTarget = new URL(database.url);
  const proxies = {
    postgres: await startTcpProxy(postgresTarget.hostname, Number(postgresTarget.port || 5432)),
    redis: await startTcpProxy(redisTarget.hostname, Number(redisTarget.port || 6379)),
    ari: await startTcpProxy('127.0.0.1', Number(new URL(double.url).port)),
  };
  const users: Record<string, TestUser> = {};
  users[ADMIN.extension] = await insertUser(database.db, {
    role: 'admin',
    username: ADMIN.username,
    password: ADMIN.password,
    extension: ADMIN.extension,
  });
  for (const [extension, role] of Object.entries(plan.users))
    users[extension] = await insertUser(database.db, { role, extension });
  const prefix = `fault-${randomBytes(4).toString('hex')}:`;
  const viaProxy = (url: URL, port: number) => Object.assign(new URL(url), { port: String(port) }).toString();
  const controller = await controllerProcess({
    DATABASE_URL: viaProxy(postgresTarget, proxies.postgres.port),
    REDIS_URL: viaProxy(redisTarget, proxies.redis.port),
    REDIS_PREFIX: prefix,
    ARI_URL: `http://127.0.0.1:${proxies.ari.port}`,
    JWT_SECRET: jwtSecret(),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    ...plan.env,
  });
  await controller.start();
  await controller.ready();
  const redis = new Redis(redisUrl);
  const phones: Record<string, SimPhone> = {};
  const tokens = new Map<string, Record<string, string>>();

  async function as(extension: string): Promise<ApiClient> {
    let headers = tokens.get(extension);
    if (!headers) {
      const user = users[extension];
      if (!user) throw new Error(`no test user ${extension}`);
      const reply = await apiClient(controller.url).post('/api/auth/login', {
        username: user.username,
        password: user.password,
      });
      if (reply.status !== 200) throw new Error(`log-in of ${user.username}: ${reply.status} ${reply.body}`);
      headers = { authorization: `Bearer ${reply.json<{ token: string }>().token}` };
      tokens.set(extension, headers);
    }
    return apiClient(controller.url, headers);
  }

  async function registerPhones() {
    const accounts = [
      ...Object.keys(plan.users).filter((extension) => !plan.noPhone?.includes(extension)),
      ...(plan.webphones ?? []).map((extension) => `${extension}-web`),
    ];
    for (const account of accounts) {
      const user = users[account.replace(/-web$/, '')]!;
      phones[account] = await until(
        `account ${account} provisioned`,
        () =>
          double
            .registerPhone(account, {
              password: user.sip_password,
              answerMode: plan.answerModes?.[account] ?? 'auto',
            })
            .catch(() => undefined),
        15_000,
      );
    }
  }
  await registerPhones();

  return {
    double,
    database,
    redis,
    prefix,
    proxies,
    controller,
    users,
    phones,
    as,
    admin: () => as(ADMIN.extension),
    registerPhones,
    async restartController(signal = 'SIGKILL') {
      await controller.kill(signal);
      await controller.start();
      await controller.ready();
    },
    async events(extension = ADMIN.extension) {
      const { headers } = await as(extension);
      const client = connectEvents(`ws://127.0.0.1:${controller.port}/api/events`, headers);
      await new Promise<void>((resolve, reject) => {
        client.socket.once('open', () => resolve());
        client.socket.once('error', reject);
      });
      return client;
    },
    async close() {
      await controller.kill('SIGKILL');
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      for (const proxy of Object.values(proxies)) await proxy.close();
      await double.close();
      await database.drop();
    },
  };
}
