/**
 * The Content-Security-Policies in a real browser (Debian's Chromium through playwright-core): the webphone's
 * production build and Swagger UI at /api/docs must work under theirs with no violation reported. (The webphone's
 * calls are covered by webphone.e2e.test.ts; here only what a policy could break: scripts, styles, connections.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';
import { startSipPeer, type SipPeer } from './sip-peer.js';
import { buildWebphone } from '../helpers/build-webphone.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let outDir: string;
let registrar: SipPeer;
let t: TestApp;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'csp-e2e-'));
  await buildWebphone(outDir);
  registrar = await startSipPeer();
  t = await createTestApp({ config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url } });
  baseUrl = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await registrar?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** A page that records every CSP violation and uncaught error. */
async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(String(error)));
  return { page, violations };
}

describe('under their Content-Security-Policy', () => {
  it('the webphone signs in, registers over SIP-WebSocket and goes live on /api/events', async () => {
    const user = await insertUser(t.db, { role: 'agent', username: 'csp-agent', extension: '3201' });
    const { page, violations } = await watchedPage();
    await page.goto(baseUrl);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
    await poll(() => page.getByTestId('registration').textContent()).toBe('Registered');
    await poll(() => page.getByTestId('events-status').textContent()).toBe('Live');
    expect(violations).toEqual([]);
    await page.context().close();
  }, 30_000);

  it('Swagger UI renders its operations', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${baseUrl}/api/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(3);
    expect(await page.locator('.info .title').textContent()).toContain('ari-pbx controller API');
    expect(violations).toEqual([]);
    await page.context().close();
  }, 30_000);
});
