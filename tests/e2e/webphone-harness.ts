import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildWebphone } from '../helpers/build-webphone.js';
import { insertTeam } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';
import { startSipPeer, type SipPeer } from './sip-peer.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium for the webphone tests: fake microphone, permission prompts answered yes. */
export const launchChromium = (extraArgs: string[] = []): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-gpu',
      ...extraArgs,
    ],
  });

export type HarnessUser = Awaited<ReturnType<typeof insertUser>>;

/**
 * What most webphone browser tests need: the production build served by a real controller app, the fake Asterisk
 * over SIP-WebSocket (`sip-peer.ts`) as SIP_WS_URL, one agent in a team, and Chromium.
 */
export interface WebphoneHarness {
  t: TestApp;
  registrar: SipPeer;
  baseUrl: string;
  browser: Browser;
  agent: HarnessUser;
  /** A new page in `context` (a fresh one when not given), signed in as the agent; resolves once the page shows Live. */
  signIn(context?: BrowserContext): Promise<Page>;
  close(): Promise<void>;
}

export async function startWebphoneHarness(agent: {
  username: string;
  extension: string;
}): Promise<WebphoneHarness> {
  const outDir = mkdtempSync(join(tmpdir(), 'webphone-e2e-build-'));
  await buildWebphone(outDir);
  const registrar = await startSipPeer();
  const t = await createTestApp({ config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url } });
  const baseUrl = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  const team = await insertTeam(t.db, 'Care');
  const user = await insertUser(t.db, { role: 'agent', ...agent, teamId: team.id });
  const browser = await launchChromium();
  return {
    t,
    registrar,
    baseUrl,
    browser,
    agent: user,
    async signIn(context) {
      const own = context ?? (await browser.newContext({ permissions: ['microphone'] }));
      own.setDefaultTimeout(10_000);
      const page = await own.newPage();
      await page.goto(baseUrl);
      await page.getByLabel('Username').fill(agent.username);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByTestId('events-status')
        .filter({ hasText: /^Live$/ })
        .waitFor();
      return page;
    },
    async close() {
      await browser.close();
      await t.close();
      await registrar.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
