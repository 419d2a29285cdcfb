/**
 * The webphone in Firefox (Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core), against the
 * controller and the fake Asterisk over SIP-WebSocket (`sip-peer.ts`): sign-in, live events, registration, a call
 * placed and answered, hang-up. Chromium runs the other browser tests. Without firefox-esr it skips, loudly.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTeam } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';
import { header } from './sip-message.js';
import { startSipPeer, type SipPeer } from './sip-peer.js';
import { buildWebphone } from '../helpers/build-webphone.js';

const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const haveFirefox = existsSync(firefoxPath);
if (!haveFirefox)
  console.warn(
    `FIREFOX TEST SKIPPED: no Firefox at ${firefoxPath} (Debian: apt-get install firefox-esr; or FIREFOX_PATH)`,
  );

let outDir: string;
let registrar: SipPeer;
let t: TestApp;
let baseUrl: string;
let browser: Browser;
let agent: Awaited<ReturnType<typeof insertUser>>;

/** Polls a page's text until it matches (10 s). */
async function textOf(page: Page, testId: string, expected: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await page.$eval(`[data-testid="${testId}"]`, (el) => el.textContent ?? '').catch(() => '');
    if (expected.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${testId}: "${text}" never matched ${expected}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveFirefox)('webphone in Firefox', () => {
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'webphone-firefox-'));
    await buildWebphone(outDir);
    registrar = await startSipPeer();
    t = await createTestApp({ config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url } });
    baseUrl = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
    const team = await insertTeam(t.db, 'Care');
    agent = await insertUser(t.db, { role: 'agent', username: 'hana', extension: '3601', teamId: team.id });
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: firefoxPath,
      headless: true,
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await registrar?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('signs in, registers, places a call that is answered, hangs up', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(baseUrl);
    await page.locator('input[name="username"]').fill('hana');
    await page.locator('input[type="password"]').fill(agent.password);
    await page.locator('button[type="submit"]').click();
    await textOf(page, 'registration', /^Registered$/);
    await textOf(page, 'events-status', /^Live$/);
    expect(registrar.registered.has('3601-web')).toBe(true);

    await page.locator('[data-dial-input]').fill('3602');
    await page.keyboard.press('Enter');
    const invite = await registrar.request(
      (m) => m.method === 'INVITE' && (m.uri ?? '').startsWith('sip:3602@') && !/;tag=/.test(header(m, 'to')),
    );
    registrar.respond(invite, '200 OK');
    await textOf(page, 'call-state', /0:0\d/);
    await page.keyboard.press('Escape');
    await registrar.request((m) => m.method === 'BYE' && header(m, 'call-id') === header(invite, 'call-id'));
    await page.close();
  });
});
