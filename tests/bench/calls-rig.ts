/**
 * A controller on real PostgreSQL and Redis, connected over a real ARI connection to the ARI double running in a
 * child process, with `pairs` caller/callee users whose desk phones are registered (callers 20000…, callees 50000…).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp, type App, type AppDeps } from '../../controller/app.js';
import { createAriConnection } from '../../controller/ari/ari-connection.js';
import type { PbxConnection } from '../../controller/ari/pbx.port.js';
import { testConfig } from '../../controller/config.js';
import { createDb, type Db } from '../../controller/db/database.js';
import { hashSecret, randomSipPassword } from '../../controller/features/auth/password.js';
import type { CallView } from '../../controller/features/calls/call-view.js';
import { redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { startRemoteDouble, type RemoteDouble } from './remote-double.js';
import { createSetupSteps, type SetupSteps } from './setup-steps.js';

export interface Pair {
  caller: string;
  callee: string;
}

export type CallEventType = 'call.answered' | 'call.ended';

export interface CallsRig {
  double: RemoteDouble;
  app: App;
  /** The controller's database (e.g. for an admin user). */
  db: Db;
  pairs: Pair[];
  /** A callee with five registered accounts (desk, webphone, three owned devices), all rung at once (issue 12). */
  wide: { callee: string; accounts: string[] };
  /** The controller's own set-up steps of every call (its `SetupTrace`). */
  steps: SetupSteps;
  /** Resolves with the call view of the next `type` event between this pair (undefined after `timeoutMs`). */
  next(type: CallEventType, pair: Pair, timeoutMs: number): Promise<CallView | undefined>;
  close(): Promise<void>;
}

const callerExt = (i: number) => String(20_000 + i);
const calleeExt = (i: number) => String(50_000 + i);
const key = (type: string, from: string, to: string) => `${type} ${from}>${to}`;
const WIDE = '5999';
const WIDE_DEVICES = ['wide-1', 'wide-2', 'wide-3'];

/** The wide callee's three devices (their owner is the user with extension 5999). */
async function insertWideDevices(database: TestDatabase) {
  const owner = await database.db
    .selectFrom('users')
    .select('id')
    .where('extension', '=', WIDE)
    .executeTakeFirstOrThrow();
  const rows = WIDE_DEVICES.map((id) => ({
    id,
    name: id,
    owner_user_id: owner.id,
    sip_password: randomSipPassword(),
  }));
  await database.db.insertInto('devices').values(rows).execute();
  return rows;
}

async function insertPairs(database: TestDatabase, count: number) {
  const passwordHash = await hashSecret('bench password');
  const rows = [...Array.from({ length: count }, (_, i) => [callerExt(i), calleeExt(i)]).flat(), WIDE].map(
    (extension) => ({
      username: `bench-${extension}`,
      display_name: `Bench ${extension}`,
      extension,
      role: 'agent' as const,
      team_id: null,
      password_hash: passwordHash,
      sip_password: randomSipPassword(),
      pin_hash: null,
    }),
  );
  for (let i = 0; i < rows.length; i += 500)
    await database.db
      .insertInto('users')
      .values(rows.slice(i, i + 500))
      .execute();
  return rows;
}

async function waitConnected(connection: PbxConnection): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (connection.state() !== 'connected') {
    if (Date.now() > deadline) throw new Error('ARI connection not up');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Run `steps` in order; if one throws, undo what the earlier ones set up (in reverse) and rethrow. */
async function withUndo<T>(
  build: (undo: (fn: () => Promise<void> | void) => void) => Promise<T>,
): Promise<T> {
  const undos: (() => Promise<void> | void)[] = [];
  try {
    return await build((fn) => undos.unshift(fn));
  } catch (error) {
    for (const fn of undos) await Promise.resolve(fn()).catch(() => undefined);
    throw error;
  }
}

/** `appDeps`: tunables of the app under test (e.g. the quality bench runs its sampling rounds itself). */
export function startCallsRig(pairCount: number, appDeps: Pick<AppDeps, 'quality'> = {}): Promise<CallsRig> {
  return withUndo(async (undo) => {
    const database = await createTestDatabase();
    undo(() => database.drop());
    const double = await startRemoteDouble();
    undo(() => double.close());
    const users = await insertPairs(database, pairCount);
    const wideDevices = await insertWideDevices(database);
    const config = testConfig({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}:`,
      ARI_URL: double.url,
      ARI_USERNAME: 'ari',
      ARI_PASSWORD: 'ari',
      ARI_APP: 'pbx',
      DIAL_TIMEOUT_SECONDS: 60,
    });
    const db = createDb(database.url); // the production pool size
    undo(() => db.destroy());
    const redis = new Redis(redisUrl);
    const redisSubscriber = new Redis(redisUrl);
    undo(() => {
      redis.disconnect();
      redisSubscriber.disconnect();
    });
    const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
    const connection = createAriConnection({
      url: double.url,
      username: 'ari',
      password: 'ari',
      app: 'pbx',
      logger,
    });
    const steps = createSetupSteps();
    const app = await buildApp({
      config,
      logger,
      db,
      redis,
      redisSubscriber,
      pbxConnection: connection,
      callSetupTrace: steps.trace,
      ...appDeps,
    });
    undo(() => app.close());
    undo(() => connection.stop());
    const next = callWaiters(app);
    await connection.start();
    await waitConnected(connection);
    await registerPhones(double, users);
    const wideUser = users.find((u) => u.extension === WIDE)!;
    const wideAccounts = [
      { id: WIDE, password: wideUser.sip_password },
      { id: `${WIDE}-web`, password: wideUser.sip_password },
      ...wideDevices.map((d) => ({ id: d.id, password: d.sip_password })),
    ];
    await registerAccounts(double, wideAccounts, 'manual');
    const close = async () => {
      await connection.stop();
      await app.close();
      redis.disconnect();
      redisSubscriber.disconnect();
      await double.close();
      await db.destroy();
      await database.drop();
    };
    const pairs = Array.from({ length: pairCount }, (_, i) => ({
      caller: callerExt(i),
      callee: calleeExt(i),
    }));
    const wide = { callee: WIDE, accounts: wideAccounts.map((a) => a.id) };
    return { double, app, db, pairs, wide, steps, next, close };
  });
}

async function registerPhones(double: RemoteDouble, users: { extension: string; sip_password: string }[]) {
  const desks = users.filter((u) => u.extension !== WIDE);
  await registerAccounts(
    double,
    desks.map((u) => ({ id: u.extension, password: u.sip_password })),
    'auto',
  );
}

async function registerAccounts(
  double: RemoteDouble,
  accounts: { id: string; password: string }[],
  answerMode: 'auto' | 'manual',
) {
  const registration = await double.request<{ unregistered: string[] }>({
    op: 'register',
    accounts: accounts.map((a) => ({ ...a, answerMode })),
    timeoutMs: 60_000,
  });
  if (registration.unregistered.length > 0)
    throw new Error(`phones not provisioned: ${registration.unregistered.slice(0, 5).join(', ')}…`);
}

/** `next(type, pair, timeoutMs)`: the next call.answered / call.ended between a pair, from the app's bus. */
function callWaiters(app: App): CallsRig['next'] {
  const waiters = new Map<string, (view: CallView) => void>();
  app.bus.subscribe((event) => {
    if (event.type !== 'call.answered' && event.type !== 'call.ended') return;
    const view = event.data as CallView;
    const k = key(event.type, view.from.number, view.to.number);
    waiters.get(k)?.(view);
    waiters.delete(k);
  });
  return (type, pair, timeoutMs) =>
    new Promise((resolve) => {
      const k = key(type, pair.caller, pair.callee);
      const timer = setTimeout(() => {
        waiters.delete(k);
        resolve(undefined);
      }, timeoutMs);
      waiters.set(k, (view) => {
        clearTimeout(timer);
        resolve(view);
      });
    });
}
