/**
 * One tab owns the phone (issue 14), in Debian's Chromium: a second tab of the same browser signed in as the same
 * user does not register again; it says where the phone is, takes it over on request, and the first tab gets it
 * back by itself when the second closes. SIP goes to the fake Asterisk over SIP-WebSocket (`sip-peer.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTeam } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';
import { startSipPeer, type SipPeer } from './sip-peer.js';
import { buildWebphone } from '../helpers/build-webphone.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

let outDir: string;
let registrar: SipPeer;
let t: TestApp;
let baseUrl: string;
let browser: Browser;
let agent: Awaited<ReturnType<typeof insertUser>>;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'webphone-tabs-'));
  await buildWebphone(outDir);
  registrar = await startSipPeer();
  t = await createTestApp({ config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url } });
  baseUrl = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  const team = await insertTeam(t.db, 'Care');
  agent = await insertUser(t.db, { role: 'agent', username: 'gina', extension: '3501', teamId: team.id });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-gpu',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await registrar?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function signInTab(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByLabel('Username').fill('gina');
  await page.getByLabel('Password').fill(agent.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await eventually(() => page.getByTestId('events-status').textContent()).toBe('Live');
  return page;
}

describe('two tabs of one browser', () => {
  it('register once; the second takes the phone over on request; the first gets it back when the second closes', async () => {
    const context = await browser.newContext({ permissions: ['microphone'] });
    context.setDefaultTimeout(10_000);
    const first = await signInTab(context);
    await eventually(() => first.getByTestId('registration').textContent()).toBe('Registered');
    const connectionsBefore = registrar.connections.length;

    const second = await signInTab(context);
    await eventually(() => second.getByTestId('registration').textContent()).toBe('Phone in another tab');
    await new Promise((r) => setTimeout(r, 500));
    expect(registrar.connections.length).toBe(connectionsBefore); // no second SIP connection, no REGISTER
    expect(await first.getByTestId('registration').textContent()).toBe('Registered');

    await second.getByRole('button', { name: 'Use the phone here' }).click();
    await eventually(() => second.getByTestId('registration').textContent()).toBe('Registered');
    await eventually(() => first.getByTestId('registration').textContent()).toBe('Phone in another tab');

    await second.close();
    await eventually(() => first.getByTestId('registration').textContent()).toBe('Registered');
    expect(registrar.registered.has('3501-web')).toBe(true);
    await context.close();
  });
});
