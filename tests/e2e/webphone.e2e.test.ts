/**
 * The webphone in a real browser (Debian's Chromium through playwright-core) against a real controller app
 * serving the production build. SIP: a fake Asterisk over SIP-WebSocket (`sip-peer.ts`; the ARI double has no
 * SIP side) registers the phone and plays the far end of calls, so registration, call set-up, hold, DTMF,
 * transfer and hang-up are real JsSIP over a real WebSocket. No audio flows: that needs a real Asterisk.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { insertTeam } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';
import type { TestDatabase } from '../helpers/test-db.js';
import { header } from './sip-message.js';
import { startSipPeer, type SipPeer } from './sip-peer.js';
import { buildWebphone } from '../helpers/build-webphone.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The docs' screenshots are rewritten only on request (UPDATE_SCREENSHOTS=1); other runs keep theirs in a temp folder.
const screenshots = process.env.UPDATE_SCREENSHOTS
  ? resolve('docs/screenshots')
  : join(tmpdir(), 'webphone-e2e-screenshots');

let outDir: string;
let registrar: SipPeer;
let main: TestApp & { database: TestDatabase; baseUrl: string };
let unreachable: TestApp & { baseUrl: string };
/** An Asterisk that goes away and comes back (its own fake peer, so the other tests' registrar stays up). */
let flaky: SipPeer;
let flakyApp: TestApp & { baseUrl: string };
let browser: Browser;
let alice: Awaited<ReturnType<typeof insertUser>>;
let bob: Awaited<ReturnType<typeof insertUser>>;
let team: Awaited<ReturnType<typeof insertTeam>>;

/** Waits for the UI (10 s: CI machines run the suites in parallel). */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function listening<T extends TestApp>(app: T) {
  const address = await app.app.server.listen({ port: 0, host: '127.0.0.1' });
  return Object.assign(app, { baseUrl: address });
}

function publish(app: TestApp, type: string, data: unknown) {
  app.app.bus.deliver({ type, at: new Date().toISOString(), data } as unknown as AnyPbxEvent);
}

async function signIn(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(baseUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function newPage() {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 820 },
    permissions: ['microphone'],
  });
  return context.newPage();
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'webphone-e2e-'));
  mkdirSync(screenshots, { recursive: true });
  await buildWebphone(outDir);
  registrar = await startSipPeer({ refuse: ['3102-web'] });
  main = await listening(
    await createTestApp({ config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url } }),
  );
  unreachable = await listening(
    await createTestApp({
      database: main.database,
      config: { WEBPHONE_DIR: outDir, SIP_WS_URL: `ws://127.0.0.1:${await closedPort()}/ws` },
    }),
  );
  flaky = await startSipPeer();
  flakyApp = await listening(
    await createTestApp({
      database: main.database,
      config: { WEBPHONE_DIR: outDir, SIP_WS_URL: flaky.url },
    }),
  );
  team = await insertTeam(main.db, 'Sales');
  alice = await insertUser(main.db, { role: 'agent', username: 'alice', extension: '3101', teamId: team.id });
  bob = await insertUser(main.db, { role: 'agent', username: 'bob', extension: '3102', teamId: team.id });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await unreachable?.close();
  await flakyApp?.close();
  await main?.close();
  await registrar?.close();
  await flaky?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('webphone in Chromium', () => {
  it('is served at / with an SPA fallback, and /api stays JSON', async () => {
    const index = await fetch(`${main.baseUrl}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="root">');
    const deep = await fetch(`${main.baseUrl}/calls/anything`);
    expect(await deep.text()).toContain('<div id="root">');
    expect((await fetch(`${main.baseUrl}/assets/gone-1234.js`)).status).toBe(404);
    const api = await fetch(`${main.baseUrl}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not-found' } });
  });

  it('refuses a wrong password with a clear message', async () => {
    const page = await newPage();
    await signIn(page, main.baseUrl, 'alice', 'wrong password');
    await eventually(() => page.getByRole('alert').textContent()).toContain('Wrong username or password');
    await page.context().close();
  });

  it('signs in, registers over SIP-WebSocket, shows incoming calls and parked calls live', async () => {
    const page = await newPage();
    await page.goto(main.baseUrl);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'login.png'), animations: 'disabled' });
    await signIn(page, main.baseUrl, 'alice', alice.password);

    const registration = page.getByTestId('registration');
    await eventually(() => registration.textContent()).toBe('Registered');
    expect(registrar.registered.has('3101-web')).toBe(true);
    await eventually(() => page.getByTestId('events-status').textContent()).toBe('Live');
    // Only the session's tokens are kept in the browser, and only for this tab.
    const storage = await page.evaluate(() => {
      type BrowserStorage = { length: number } & Record<string, unknown>;
      const { localStorage, sessionStorage } = globalThis as unknown as Record<string, BrowserStorage>;
      return { local: localStorage!.length, session: Object.keys(sessionStorage!) };
    });
    expect(storage).toEqual({ local: 0, session: ['ari-pbx.session'] });

    for (const [extension, displayName, state] of [
      ['3101', 'Test agent 3101', 'available'],
      ['3102', 'Bob Baker', 'on-call'],
      ['3103', 'Carol Chen', 'available'],
      ['3104', 'Dan Diaz', 'dnd'],
      ['3105', 'Eve Evans', 'offline'],
    ]) {
      // Agents see their team's presence (presence.access.ts): these are alice's teammates.
      publish(main, 'presence.changed', {
        userId: `user-${extension}`,
        teamId: team.id,
        extension,
        displayName,
        state,
      });
    }
    await page.getByText('Carol Chen').waitFor();
    await page.getByLabel('Number to dial').fill('3103');
    await page.screenshot({ path: join(screenshots, 'main.png'), animations: 'disabled' });

    // Incoming: the controller's call.ringing for alice pops up with the caller and the contact card.
    const call = {
      id: 'call-e2e-1',
      state: 'ringing',
      direction: 'internal',
      from: { number: '+15551230000', name: 'Maria Lopez', userId: null },
      to: { number: '3101', name: 'Test agent 3101', userId: alice.id },
      answeredBy: null,
      startedAt: new Date().toISOString(),
      answeredAt: null,
      endedAt: null,
      disposition: null,
      channels: [],
      contact: {
        id: '6f1f8a7e-6a39-4f51-9a55-0d7c9b3f2a10',
        name: 'Maria Lopez',
        company: 'Lopez Logistics',
        assignedAgents: [{ userId: alice.id, extension: '3101', displayName: 'Test agent 3101' }],
        latestNotes: [
          {
            body: 'Key account; renewal due in March',
            createdAt: new Date().toISOString(),
            author: 'Bob Baker',
          },
        ],
      },
    };
    publish(main, 'call.ringing', call);
    const popup = page.getByRole('alertdialog', { name: 'Incoming call from Maria Lopez' });
    await popup.waitFor();
    expect(await popup.textContent()).toContain('Lopez Logistics');
    await page.screenshot({ path: join(screenshots, 'incoming.png'), animations: 'disabled' });
    // Another agent answers: the popup closes.
    publish(main, 'call.answered', {
      ...call,
      state: 'answered',
      answeredBy: { userId: bob.id, extension: '3102', name: 'Bob Baker' },
      answeredAt: new Date().toISOString(),
    });
    await popup.waitFor({ state: 'detached' });

    // Parking: call.parked fills the slot; the panel shows caller and time, and picks up by slot.
    const parkedAt = new Date(Date.now() - 95_000).toISOString();
    publish(main, 'call.parked', {
      slot: '701',
      occupied: true,
      callerIdNumber: '+15551230000',
      callerIdName: 'Maria Lopez',
      parkerExtension: '3102',
      parkedAt,
      timeoutAt: new Date(Date.now() + 205_000).toISOString(),
    });
    publish(main, 'call.parked', {
      slot: '704',
      occupied: true,
      callerIdNumber: '3105',
      callerIdName: 'Eve Evans',
      parkerExtension: '3101',
      parkedAt: new Date(Date.now() - 12_000).toISOString(),
      timeoutAt: new Date(Date.now() + 288_000).toISOString(),
    });
    const parked = page.getByTestId('parked-701');
    await parked.waitFor();
    expect(await parked.textContent()).toContain('Maria Lopez');
    expect(await parked.textContent()).toMatch(/parked 1:3\d by 3102/);
    expect(await page.getByLabel('Pick up parked call on 704', { exact: true }).isEnabled()).toBe(true);
    await page
      .getByTestId('park-panel')
      .screenshot({ path: join(screenshots, 'park-panel.png'), animations: 'disabled' });
    await page.screenshot({ path: join(screenshots, 'main-with-parked-calls.png'), animations: 'disabled' });
    publish(main, 'call.unparked', { slot: '701' });
    await parked.waitFor({ state: 'detached' });

    // A reload keeps the session (token in sessionStorage) and registers again.
    await page.reload();
    await eventually(() => page.getByTestId('registration').textContent()).toBe('Registered');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await eventually(() => registrar.registered.has('3101-web')).toBe(false);
    await page.context().close();
  });

  it('calls out: calling, ringing, talking with a timer, mute, hold, DTMF, park, hang-up', async () => {
    const page = await newPage();
    await signIn(page, main.baseUrl, 'alice', alice.password);
    await eventually(() => page.getByTestId('registration').textContent()).toBe('Registered');
    await page.keyboard.type('3103');
    await page.keyboard.press('Enter');
    const isInvite =
      (to: string) => (m: { method: string | null; uri: string | null; headers: [string, string][] }) =>
        m.method === 'INVITE' &&
        (m.uri ?? '').startsWith(`sip:${to}@`) &&
        !/;tag=/.test(header(m as never, 'to'));
    const invite = await registrar.request(isInvite('3103'));
    const state = page.getByTestId('call-state');
    await eventually(() => state.textContent()).toContain('Calling');
    registrar.respond(invite, '180 Ringing');
    await eventually(() => state.textContent()).toContain('Ringing');
    registrar.respond(invite, '200 OK');
    await eventually(() => state.textContent()).toMatch(/0:0\d/);
    await registrar.request((m) => m.method === 'ACK' && header(m, 'call-id') === header(invite, 'call-id'));

    await page.keyboard.press('m');
    await eventually(() => page.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await page.getByRole('button', { name: 'Hold' }).click();
    await eventually(() => state.textContent()).toContain('On hold');
    await page.keyboard.press('h');
    await eventually(() => state.textContent()).not.toContain('On hold');
    await page.keyboard.press('m');
    await page.getByRole('button', { name: 'Keypad' }).click();
    await page.keyboard.type('12#');
    await eventually(() => page.getByLabel('Tones sent').textContent()).toBe('12#');
    await page.screenshot({ path: join(screenshots, 'in-call.png'), animations: 'disabled' });

    // Park: a blind transfer to 700; the slot comes from the controller's call.parked.
    await page.getByRole('button', { name: 'Park call' }).click();
    const refer = await registrar.request((m) => m.method === 'REFER');
    expect(header(refer, 'refer-to')).toMatch(/^<?sip:700@/);
    await registrar.request((m) => m.method === 'BYE' && header(m, 'call-id') === header(invite, 'call-id'));
    publish(main, 'call.parked', {
      slot: '702',
      occupied: true,
      callerIdNumber: '3103',
      callerIdName: 'Carol Chen',
      parkerExtension: '3101',
      parkedAt: new Date().toISOString(),
      timeoutAt: new Date(Date.now() + 300_000).toISOString(),
    });
    await eventually(() => page.getByTestId('park-result').textContent()).toContain('Parked on 702');

    // Dial again and hang up with Esc before the far end answers: CANCEL.
    await page.getByLabel('Number to dial').fill('3104');
    await page.getByLabel('Number to dial').press('Enter');
    const second = await registrar.request(isInvite('3104'));
    registrar.respond(second, '180 Ringing');
    await eventually(() => state.textContent()).toContain('Ringing');
    await page.keyboard.press('Escape');
    await registrar.request(
      (m) => m.method === 'CANCEL' && header(m, 'call-id') === header(second, 'call-id'),
    );
    await page.getByLabel('Number to dial').waitFor();
    await page.context().close();
  });

  it('answers incoming calls: the popup, auto-answer (Call-Info answer-after=0), decline with Esc', async () => {
    const page = await newPage();
    await signIn(page, main.baseUrl, 'alice', alice.password);
    await eventually(() => page.getByTestId('registration').textContent()).toBe('Registered');

    const answered = registrar.invite('3101-web', { number: '3105', name: 'Eve Evans' });
    await page.getByRole('button', { name: 'Answer call from Eve Evans' }).click();
    expect((await answered).status).toBe(200);
    await eventually(() => page.getByTestId('call-state').textContent()).toMatch(/0:0\d/);
    registrar.bye(header(await answered, 'call-id'));
    await eventually(() => page.locator('.call-ended').textContent()).toContain('The other side hung up');

    const paged = await registrar.invite('3101-web', { number: '3105', name: 'Page 850: Eve Evans' }, [
      ['Call-Info', '<sip:127.0.0.1>;answer-after=0'],
    ]);
    expect(paged.status).toBe(200);
    await eventually(() => page.getByTestId('notice-auto-answered').textContent()).toContain(
      'Page from Eve Evans (850)',
    );
    // The page ends (the controller hangs the member's leg up): the banner says so.
    registrar.bye(header(paged, 'call-id'));
    await eventually(() => page.getByTestId('notice-auto-answer-ended').textContent()).toContain(
      'Page from Eve Evans (850) ended',
    );

    const intercom = await registrar.invite('3101-web', { number: '3105', name: 'Intercom: Eve Evans' }, [
      ['Alert-Info', '<http://127.0.0.1>;info=alert-autoanswer'],
    ]);
    expect(intercom.status).toBe(200);
    await eventually(() => page.getByTestId('notice-auto-answered').textContent()).toContain(
      'Intercom from Eve Evans',
    );
    await page.keyboard.press('Escape');
    await registrar.request(
      (m) => m.method === 'BYE' && header(m, 'call-id') === header(intercom, 'call-id'),
    );

    const declined = registrar.invite('3101-web', { number: '3104', name: 'Dan Diaz' });
    await page.getByRole('alertdialog', { name: 'Incoming call from Dan Diaz' }).waitFor();
    await page.keyboard.press('Escape');
    expect((await declined).status).toBe(603);
    await page.context().close();
  });

  it('says "SIP credentials refused" when Asterisk answers REGISTER with 403', async () => {
    const page = await newPage();
    await signIn(page, main.baseUrl, 'bob', bob.password);
    await eventually(() => page.getByTestId('registration').textContent()).toBe('SIP credentials refused');
    expect(await page.locator('.registration-help').textContent()).toMatch(/ask an administrator/i);
    await page.context().close();
  });

  it('says "WebSocket to Asterisk refused" when SIP_WS_URL cannot be reached', async () => {
    const page = await newPage();
    await signIn(page, unreachable.baseUrl, 'alice', alice.password);
    await eventually(() => page.getByTestId('registration').textContent()).toBe(
      'WebSocket to Asterisk refused',
    );
    expect(await page.locator('.registration-help').textContent()).toContain('SIP_WS_URL');
    await page.screenshot({ path: join(screenshots, 'websocket-refused.png'), animations: 'disabled' });
    await page.context().close();
  });
});

describe('webphone when Asterisk goes away and comes back', () => {
  /** Closed after each test, passed or not: a page left open would keep registering with the flaky peer. */
  const pages: Page[] = [];
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.context().close()));
  });
  const registrationText = (page: Page) =>
    page
      .getByTestId('registration')
      .textContent({ timeout: 1000 })
      .catch(() => '');
  const helpText = (page: Page) =>
    page
      .locator('.registration-help')
      .textContent({ timeout: 1000 })
      .catch(() => '');
  const registers = (account: string) =>
    flaky.received.filter((m) => m.method === 'REGISTER' && header(m, 'from').includes(`sip:${account}@`));

  /** Signs alice in against the flaky Asterisk; counts page loads so a reload cannot pass for a reconnect. */
  async function registeredPage() {
    const page = await newPage();
    pages.push(page);
    let loads = 0;
    page.on('load', () => (loads += 1));
    await signIn(page, flakyApp.baseUrl, 'alice', alice.password);
    await eventually(() => registrationText(page)).toBe('Registered');
    expect(flaky.registered.has('3101-web')).toBe(true);
    return { page, loads: () => loads };
  }

  it('shows the connection lost, reconnects and registers again by itself, no reload', async () => {
    const { page, loads } = await registeredPage();
    const loadsBefore = loads();
    const registersBefore = registers('3101-web').length;

    const restarted = flaky.restart(4000);
    await eventually(() => registrationText(page)).toBe('Connection to Asterisk lost');
    const help = await helpText(page);
    // Honest (no calls now) and says what to do (nothing: it reconnects; if it lasts, who to tell).
    expect(help).toContain('Calls cannot be made or received');
    expect(help).toMatch(/Reconnecting \(attempt \d+\)/);
    expect(help).toMatch(/network|administrator/);
    const lostAt = Date.now();
    await restarted;
    const backAt = Date.now();

    await expect.poll(() => registrationText(page), { timeout: 40_000 }).toBe('Registered');
    const registeredAt = Date.now();
    expect(flaky.registered.has('3101-web')).toBe(true);
    expect(registers('3101-web').length).toBeGreaterThan(registersBefore);
    expect(await page.locator('.registration-help').count()).toBe(0);
    expect(loads()).toBe(loadsBefore);
    console.log(
      `e2e reconnect: Asterisk away ${backAt - lostAt} ms, registered again ${registeredAt - backAt} ms after it ` +
        `came back (${flaky.connections.length} WebSocket connections so far)`,
    );

    // The phone works again: an incoming call reaches it.
    const answered = flaky.invite('3101-web', { number: '3105', name: 'Eve Evans' });
    await page.getByRole('button', { name: 'Answer call from Eve Evans' }).click();
    expect((await answered).status).toBe(200);
    flaky.bye(header(await answered, 'call-id'));
  }, 60_000);

  it('keeps retrying REGISTER when Asterisk is back before the controller pushed the account (401, 403, then 200)', async () => {
    const { page, loads } = await registeredPage();
    const loadsBefore = loads();
    const registersBefore = registers('3101-web').length;

    // Back after 1 s, but the account is not there yet: challenge + 401 (what Asterisk answers for an unknown
    // endpoint), then 403, and only then 200.
    flaky.rejectRegisters(['401 Unauthorized', '401 Unauthorized', '403 Forbidden']);
    await flaky.restart(1000);
    const backAt = Date.now();
    await eventually(() => registrationText(page)).toBe('SIP credentials refused');
    const help = await helpText(page);
    expect(help).toMatch(/Retrying \(attempt \d+\)/);
    expect(help).toMatch(/ask an administrator/i);

    await expect.poll(() => registrationText(page), { timeout: 40_000 }).toBe('Registered');
    const registeredAt = Date.now();
    expect(flaky.registered.has('3101-web')).toBe(true);
    expect(loads()).toBe(loadsBefore);
    const after = registers('3101-web').slice(registersBefore);
    // 401 challenge, authenticated REGISTER (401), a retry (403), a retry (200).
    expect(after.length).toBeGreaterThanOrEqual(4);
    expect(header(after[1]!, 'authorization')).toMatch(/^Digest /);
    console.log(
      `e2e re-register: ${after.length} REGISTERs after Asterisk came back, registered ${registeredAt - backAt} ms ` +
        'after it came back',
    );
  }, 60_000);
});
