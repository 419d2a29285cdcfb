import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startSipPeer } from '../e2e/sip-peer.js';
import { insertTeam } from '../helpers/fixtures.js';
import { createTestApp, insertUser } from '../helpers/test-app.js';
import { buildWebphone } from '../helpers/build-webphone.js';
import { detail, type BenchRow } from './bench-row.js';
import { metered } from './cpu-meter.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const runs = 5;

/**
 * Issue 14's two figures, in Debian's Chromium against the production build: the JavaScript a browser loads before
 * anyone signs in (gzip bytes, as a server compressing it would send), and the time from pressing "Sign in" to the
 * phone showing "Registered" on loopback (a fake Asterisk over SIP-WebSocket: the controller's log-in, the events
 * socket, the SIP credentials, JsSIP loaded and REGISTER answered).
 */
export async function benchWebphone(): Promise<BenchRow[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-webphone-'));
  await buildWebphone(outDir, 'silent');
  const registrar = await startSipPeer();
  const t = await createTestApp({ config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url } });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-gpu',
    ],
  });
  try {
    const baseUrl = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
    const team = await insertTeam(t.db, 'Bench');
    const agents = await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        insertUser(t.db, { role: 'agent', username: `bench${i}`, extension: `39${i}0`, teamId: team.id }),
      ),
    );
    const timings: number[] = [];
    let scriptBytes = 0;
    const { limit } = await metered(async () => {
      for (const [i, agent] of agents.entries()) {
        const context = await browser.newContext({ permissions: ['microphone'] });
        const page = await context.newPage();
        const scripts = new Map<string, number>();
        let signingIn = false;
        page.on('response', (response) => {
          const url = response.url();
          if (!url.endsWith('.js') || signingIn) return;
          void response.body().then((body) => scripts.set(url, gzipSync(body).length));
        });
        await page.goto(baseUrl, { waitUntil: 'networkidle' });
        await page.getByLabel('Username').fill(`bench${i}`);
        await page.getByLabel('Password').fill(agent.password);
        signingIn = true;
        const started = performance.now();
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page
          .getByTestId('registration')
          .filter({ hasText: /^Registered$/ })
          .waitFor({ timeout: 15_000 });
        timings.push(performance.now() - started);
        if (i === 0) {
          const total = [...scripts.values()].reduce((a, b) => a + b, 0);
          scriptBytes = total;
          detail(
            `JavaScript before sign-in: ${(total / 1024).toFixed(1)} KB gzip in ${scripts.size} file(s) ` +
              `(${[...scripts].map(([url, size]) => `${url.split('/').pop()} ${(size / 1024).toFixed(1)} KB`).join(', ')}); target ≤ 250 KB`,
          );
        }
        await context.close();
      }
    }, 'the browser (Chromium, its own processes)');
    timings.sort((a, b) => a - b);
    detail(
      `sign-in → Registered on loopback, ${runs} sign-ins: median ${timings[Math.floor(runs / 2)]!.toFixed(0)} ms, ` +
        `worst ${timings.at(-1)!.toFixed(0)} ms; target ≤ 1500 ms`,
    );
    return [
      {
        name: 'webphone: JavaScript before sign-in (gzip; target ≤ 250)',
        value: scriptBytes / 1024,
        unit: 'KiB',
      },
      {
        name: `webphone: sign-in → Registered, median of ${runs} (target ≤ 1500)`,
        value: timings[Math.floor(runs / 2)]!,
        unit: 'ms',
        limit,
      },
      { name: `webphone: sign-in → Registered, worst of ${runs}`, value: timings.at(-1)!, unit: 'ms', limit },
    ];
  } finally {
    await browser.close();
    await t.close();
    await registrar.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
