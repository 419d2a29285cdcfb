import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { describe } from 'vitest';
import { buildApp, type App } from '../../controller/app.js';
import { createAriConnection } from '../../controller/ari/ari-connection.js';
import type { PbxConnection } from '../../controller/ari/pbx.port.js';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { testConfig, type Config } from '../../controller/config.js';
import type { SetupTrace } from '../../controller/features/calls/setup-trace.js';
import { apiClient, type ApiClient } from '../helpers/fixtures.js';
import { eventually } from '../helpers/telephony.js';
import { insertUser, login, redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { BaresipPhone } from './baresip.js';

/**
 * The live suite runs against a real Asterisk started with asterisk-config/ (SIP on LIVE_SIP_ADDRESS, ARI on
 * ARI_URL). Without ARI_URL every live test is skipped, and says so loudly.
 */
export const live = {
  ariUrl: process.env.ARI_URL,
  username: process.env.ARI_USERNAME ?? 'pbx',
  password: process.env.ARI_PASSWORD ?? 'pbx',
  sipAddress: process.env.LIVE_SIP_ADDRESS ?? '127.0.0.1:5060',
};

if (!live.ariUrl) {
  const line = '='.repeat(78);
  console.warn(
    `\n${line}\nLIVE SUITE SKIPPED: ARI_URL is not set. These tests need a real Asterisk started with\n` +
      `asterisk-config/ and baresip (Debian: baresip-core). Run them with\n` +
      `  ARI_URL=http://127.0.0.1:8088 ARI_USERNAME=pbx ARI_PASSWORD=pbx npm run test:live\n${line}\n`,
  );
}

export const describeLive = live.ariUrl ? describe : describe.skip;

export interface LiveUser {
  id: string;
  extension: string;
  sipPassword: string;
}

export interface LivePbx {
  app: App;
  config: Config;
  connection: PbxConnection;
  admin: ApiClient;
  events: AnyPbxEvent[];
  database: TestDatabase;
  /** Creates a user through the REST API, as an admin would. */
  createUser(extension: string, role?: 'agent' | 'supervisor', teamId?: string): Promise<LiveUser>;
  /** Starts a baresip phone registered as `account` and waits until Asterisk sees it online. */
  phone(
    account: string,
    password: string,
    toneHz: number,
    answerMode?: 'auto' | 'manual',
  ): Promise<BaresipPhone>;
  /** The first event of `type` (matching `test`) published after `pbx.events[from]`, within 10 s. */
  eventAfter(
    from: number,
    type: string,
    test?: (data: Record<string, unknown>) => boolean,
  ): Promise<AnyPbxEvent & { data: Record<string, unknown> }>;
  /** Resolves once Asterisk holds no channel and no bridge (a test left nothing behind; the next starts clean). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Waits until the phone's call is established; the wall-clock time it was (where its recording starts). */
export async function establishedAt(phone: BaresipPhone): Promise<number> {
  await phone.waitFor('CALL_ESTABLISHED', 10_000);
  return Date.now();
}

let portBase = 25_000 + Math.floor(Math.random() * 100) * 20;

/**
 * A real controller (fresh database, own Redis prefix) connected to the real Asterisk at ARI_URL; `callSetupTrace`
 * is told every call's set-up steps.
 */
export async function startLivePbx(
  overrides: Partial<Config> = {},
  options: { callSetupTrace?: SetupTrace } = {},
): Promise<LivePbx> {
  const database = await createTestDatabase();
  const config = testConfig({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `live-${randomBytes(4).toString('hex')}:`,
    ARI_URL: live.ariUrl!,
    ARI_USERNAME: live.username,
    ARI_PASSWORD: live.password,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const redis = new Redis(redisUrl);
  const redisSubscriber = new Redis(redisUrl);
  const connection = createAriConnection({
    url: config.ARI_URL,
    username: config.ARI_USERNAME,
    password: config.ARI_PASSWORD,
    app: config.ARI_APP,
    logger,
  });
  const app = await buildApp({
    config,
    logger,
    db: database.db,
    redis,
    redisSubscriber,
    pbxConnection: connection,
    callSetupTrace: options.callSetupTrace,
  });
  await app.relay.ready;
  const events: AnyPbxEvent[] = [];
  app.bus.subscribe((event) => events.push(event));
  await connection.start();
  await eventually(() => connection.state() === 'connected', 10_000, 'ARI connected to the real Asterisk');
  const adminUser = await insertUser(database.db, { role: 'admin', extension: '1999' });
  const admin = apiClient(app, await login(app, adminUser.username, adminUser.password));
  const phones: BaresipPhone[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'ari-pbx-live-'));

  return {
    app,
    config,
    connection,
    admin,
    events,
    database,
    async createUser(extension, role = 'agent', teamId) {
      const sipPassword = `live-${randomBytes(6).toString('hex')}`;
      const response = await admin.post('/api/users', {
        username: `live${extension}`,
        displayName: `Live ${extension}`,
        extension,
        role,
        password: 'live-password-1',
        sipPassword,
        ...(teamId ? { teamId } : {}),
      });
      if (response.statusCode !== 201 && response.statusCode !== 200) {
        throw new Error(`creating user ${extension}: ${response.statusCode} ${response.body}`);
      }
      return { id: response.json<{ id: string }>().id, extension, sipPassword };
    },
    async phone(account, password, toneHz, answerMode = 'auto') {
      // The account is pushed to Asterisk asynchronously after the API call: wait until Asterisk knows it.
      await eventually(
        async () => (await connection.pbx.getEndpoint('PJSIP', account)).ok,
        5000,
        `endpoint ${account}`,
      );
      portBase += 20;
      const phone = await BaresipPhone.start({
        name: account,
        user: account,
        password,
        registrar: live.sipAddress,
        sipPort: portBase,
        ctrlPort: portBase + 10,
        toneHz,
        answerMode,
        dir: join(scratch, account),
      });
      phones.push(phone);
      await eventually(
        async () => {
          const endpoint = await connection.pbx.getEndpoint('PJSIP', account);
          return endpoint.ok && endpoint.value.state === 'online';
        },
        5000,
        `phone ${account} registered`,
      );
      return phone;
    },
    eventAfter: (from, type, test = () => true) =>
      eventually(
        () => events.slice(from).find((e) => e.type === type && test(e.data as Record<string, unknown>)),
        10_000,
        type,
      ) as Promise<AnyPbxEvent & { data: Record<string, unknown> }>,
    async idle() {
      await eventually(
        async () => {
          const [channels, bridges] = await Promise.all([
            connection.pbx.listChannels(),
            connection.pbx.listBridges(),
          ]);
          return channels.ok && channels.value.length === 0 && bridges.ok && bridges.value.length === 0;
        },
        10_000,
        'no channel, snoop or bridge left in Asterisk',
      );
    },
    async close() {
      await Promise.all(phones.map((phone) => phone.stop()));
      await connection.stop();
      await app.close();
      redis.disconnect();
      redisSubscriber.disconnect();
      await database.drop();
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
