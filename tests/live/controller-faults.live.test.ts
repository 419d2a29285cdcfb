import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { controllerProcess, type ControllerProcess } from '../faults/controller-process.js';
import { until } from '../faults/until.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { redisUrl } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { BaresipPhone } from './baresip.js';
import { Hearing, type Window } from './hearing.js';
import { describeLive, establishedAt, live, sleep } from './live-env.js';

/**
 * Issue 15 on a real Asterisk: the controller as its own process (`tsx controller/main.ts`), its ARI link through a
 * TCP proxy. A call between two baresip phones survives `kill -9` of the controller and a cut of its ARI socket:
 * each phone's tone measured in what the other heard before, during and after, and the call, adopted, hangs up
 * properly (its call log closed at the real hang-up).
 */
const tones = { '1001': 440, '1002': 1000 } as const;
const HEARD = 20;

describeLive('live: a call survives the controller killed and its ARI socket cut', () => {
  let database: TestDatabase;
  let ariProxy: TcpProxy;
  let controller: ControllerProcess;
  let token = '';
  const phones: Record<string, BaresipPhone> = {};
  const scratch = mkdtempSync(join(tmpdir(), 'ari-pbx-live-faults-'));

  const api = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${controller.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: response.status,
      json: (await response.json().catch(() => null)) as Record<string, unknown>,
    };
  };
  const ari = (path: string) =>
    fetch(`${live.ariUrl}/ari${path}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${live.username}:${live.password}`).toString('base64')}`,
      },
    });
  const logIn = async () => {
    const response = await fetch(`${controller.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'live-admin', password: 'live-admin-password-1' }),
    });
    token = ((await response.json()) as { token: string }).token;
  };
  const liveCallIds = async () =>
    ((await api('GET', '/api/calls')).json?.items as { id: string }[] | undefined)?.map((c) => c.id) ?? [];
  const callLog = (callId: string) =>
    database.db.selectFrom('call_logs').selectAll().where('call_id', '=', callId).executeTakeFirst();

  beforeAll(async () => {
    database = await createTestDatabase();
    const ariUrl = new URL(live.ariUrl!);
    ariProxy = await startTcpProxy(ariUrl.hostname, Number(ariUrl.port || 80));
    controller = await controllerProcess({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `live-${randomBytes(4).toString('hex')}:`,
      ARI_URL: `http://127.0.0.1:${ariProxy.port}`,
      ARI_USERNAME: live.username,
      ARI_PASSWORD: live.password,
      JWT_SECRET: randomBytes(36).toString('base64'),
      ADMIN_USERNAME: 'live-admin',
      ADMIN_PASSWORD: 'live-admin-password-1',
    });
    await controller.start();
    await controller.ready(30_000);
    await logIn();
    let port = 27_000 + Math.floor(Math.random() * 50) * 40;
    for (const ext of ['1001', '1002'] as const) {
      const sipPassword = `live-${randomBytes(6).toString('hex')}`;
      const created = await api('POST', '/api/users', {
        username: `live${ext}`,
        displayName: `Live ${ext}`,
        extension: ext,
        role: 'agent',
        password: 'live-password-1',
        sipPassword,
      });
      expect(created.status).toBe(201);
      await until(`endpoint ${ext}`, async () => (await ari(`/endpoints/PJSIP/${ext}`)).ok, 10_000);
      port += 20;
      phones[ext] = await BaresipPhone.start({
        name: ext,
        user: ext,
        password: sipPassword,
        registrar: live.sipAddress,
        sipPort: port,
        ctrlPort: port + 10,
        toneHz: tones[ext],
        dir: join(scratch, ext),
      });
      await until(
        `phone ${ext} registered`,
        async () =>
          ((await (await ari(`/endpoints/PJSIP/${ext}`)).json()) as { state: string }).state === 'online',
        10_000,
      );
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all(Object.values(phones).map((phone) => phone.stop()));
    await controller?.kill('SIGTERM');
    await ariProxy?.close();
    await database?.drop();
  });

  /** 1001 calls 1002 and both are talking; the call's id and when each phone's recording started. */
  async function talking() {
    for (const phone of Object.values(phones)) phone.clearEvents();
    const before = new Set(await liveCallIds());
    await phones['1001']!.dial(`sip:1002@${live.sipAddress}`);
    const [callerUp, calleeUp] = await Promise.all([
      establishedAt(phones['1001']!),
      establishedAt(phones['1002']!),
    ]);
    const callId = await until(
      'the call listed',
      async () => (await liveCallIds()).find((id) => !before.has(id)),
      5000,
    );
    return { callId, callerUp, calleeUp };
  }

  /** Each phone heard the other in every window (tone SNR in dB, read once the call is over), printed as measured. */
  function heardBothWays(
    call: { callerUp: number; calleeUp: number },
    windows: Record<string, Window>,
    what: string,
  ) {
    const caller = new Hearing(phones['1001']!, call.callerUp);
    const callee = new Hearing(phones['1002']!, call.calleeUp);
    const snr = Object.fromEntries(
      Object.entries(windows).map(([name, window]) => [
        name,
        {
          callerHearsCallee: caller.tones(window, { callee: tones['1002'] }).callee!,
          calleeHearsCaller: callee.tones(window, { caller: tones['1001'] }).caller!,
        },
      ]),
    );
    console.log(`${what}: tone SNR in dB`, JSON.stringify(snr));
    for (const heard of Object.values(snr)) {
      expect(heard.callerHearsCallee).toBeGreaterThan(HEARD);
      expect(heard.calleeHearsCaller).toBeGreaterThan(HEARD);
    }
  }

  async function hangUpAndCheckLog(callId: string) {
    const hungUpAt = Date.now();
    await phones['1001']!.hangup();
    await Promise.all([
      phones['1001']!.waitFor('CALL_CLOSED', 10_000),
      phones['1002']!.waitFor('CALL_CLOSED', 10_000),
    ]);
    const log = await until(
      'the call log closed',
      async () => {
        const row = await callLog(callId);
        return row?.ended_at ? row : undefined;
      },
      10_000,
    );
    expect(log).toMatchObject({ from_number: '1001', to_number: '1002', disposition: 'answered' });
    // Closed at the hang-up, not when the controller came back.
    expect(Math.abs(log.ended_at!.getTime() - hungUpAt)).toBeLessThan(2000);
    await until(
      'no channel left',
      async () => ((await (await ari('/channels')).json()) as unknown[]).length === 0,
      10_000,
    );
    await sleep(500); // the WAV files are closed when the call ends
  }

  it('kill -9 of the controller: the call goes on, is adopted by the restarted controller and hangs up properly', async () => {
    const call = await talking();
    const t0 = Date.now();
    await sleep(2500);
    const killedAt = Date.now();
    await controller.kill('SIGKILL');
    await sleep(3000);
    await controller.start();
    await controller.ready(30_000);
    const backAt = Date.now();
    await logIn();
    expect(await liveCallIds()).toContain(call.callId);
    await sleep(2500);
    const t4 = Date.now();
    await hangUpAndCheckLog(call.callId);
    heardBothWays(
      call,
      {
        before: { from: t0, to: killedAt },
        whileDead: { from: killedAt, to: backAt },
        after: { from: backAt, to: t4 },
      },
      `live kill -9 (controller back after ${backAt - killedAt} ms)`,
    );
  }, 90_000);

  it('the ARI socket cut mid-call (a TCP proxy) loses nothing: the call is still listed, heard both ways, and logged', async () => {
    const call = await talking();
    const t0 = Date.now();
    await sleep(2000);
    const cutAt = Date.now();
    ariProxy.cut();
    await until(
      'the controller sees ARI down',
      async () => (await controller.readiness())?.ari === 'down',
      20_000,
    );
    await sleep(2000);
    const restoredAt = Date.now();
    ariProxy.restore();
    await controller.ready(30_000);
    const backAt = Date.now();
    expect(await liveCallIds()).toContain(call.callId);
    await sleep(2000);
    const t4 = Date.now();
    await hangUpAndCheckLog(call.callId);
    heardBothWays(
      call,
      {
        before: { from: t0, to: cutAt },
        whileCut: { from: cutAt, to: restoredAt },
        after: { from: backAt, to: t4 },
      },
      `live ARI cut (reconnected ${backAt - restoredAt} ms after the restore)`,
    );
  }, 90_000);
});
