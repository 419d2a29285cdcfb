/**
 * The webphone over HTTPS with the certificate the controller makes on first start (controller/http/tls.ts), in
 * Debian's Chromium: the page, the API, the events WebSocket and SIP over WSS (a fake Asterisk WSS listener serving
 * the same certificate, as asterisk-config/http.conf does). Chromium trusts exactly that certificate's key
 * (--ignore-certificate-errors-spki-list), as a browser told to trust it would; everything else stays checked.
 */
import type { Server } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenHttps } from '../../controller/http/https-listener.js';
import { tlsCertificate } from '../../controller/http/tls.js';
import { insertTeam } from '../helpers/fixtures.js';
import { createTestApp, insertUser, type TestApp } from '../helpers/test-app.js';
import { startSipPeer, type SipPeer } from './sip-peer.js';
import { spkiHash } from '../helpers/spki.js';
import { buildWebphone } from '../helpers/build-webphone.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

let outDir: string;
let tlsDir: string;
let registrar: SipPeer;
let app: TestApp;
let https: Server;
let baseUrl: string;
let browser: Browser;
let agent: Awaited<ReturnType<typeof insertUser>>;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'webphone-https-'));
  tlsDir = mkdtempSync(join(tmpdir(), 'webphone-tls-'));
  await buildWebphone(outDir);
  const { pair, source } = await tlsCertificate({ dir: tlsDir, hostnames: [] });
  expect(source).toBe('generated');
  registrar = await startSipPeer({ tls: pair });
  expect(registrar.url).toMatch(/^wss:/);
  app = await createTestApp({ config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url } });
  await app.app.server.listen({ port: 0, host: '127.0.0.1' });
  const listening = await listenHttps(app.app.server.server, pair, '127.0.0.1', 0);
  https = listening.server;
  baseUrl = `https://localhost:${listening.port}`;
  const team = await insertTeam(app.db, 'Support');
  agent = await insertUser(app.db, { role: 'agent', username: 'carol', extension: '3201', teamId: team.id });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-gpu',
      '--no-first-run',
      `--ignore-certificate-errors-spki-list=${spkiHash(pair.cert)}`,
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  https?.closeAllConnections();
  https?.close();
  await app?.close();
  await registrar?.close();
  for (const dir of [outDir, tlsDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('webphone over HTTPS with the generated certificate', () => {
  it('is a secure context: signs in, gets the microphone, opens the events over wss and registers over WSS', async () => {
    const context = await browser.newContext({ permissions: ['microphone'] });
    const page = await context.newPage();
    const response = await page.goto(baseUrl);
    expect(response?.status()).toBe(200);
    expect(await page.evaluate('window.isSecureContext')).toBe(true);
    expect(await page.evaluate('location.protocol')).toBe('https:');
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => page.getByTestId('registration').textContent()).toBe('Registered');
    expect(registrar.registered.has('3201-web')).toBe(true);
    await eventually(() => page.getByTestId('events-status').textContent()).toBe('Live');
    const microphone =
      await page.evaluate(`navigator.mediaDevices.getUserMedia({ audio: true }).then((stream) => {
      const tracks = stream.getAudioTracks().length;
      for (const track of stream.getTracks()) track.stop();
      return tracks;
    })`);
    expect(microphone).toBe(1);
    await context.close();
  });

  it('a certificate the browser was not told to trust is refused (the check is real)', async () => {
    const other = await tlsCertificate({
      dir: mkdtempSync(join(tmpdir(), 'webphone-other-')),
      hostnames: [],
    });
    const stranger = await listenHttps(app.app.server.server, other.pair, '127.0.0.1', 0);
    const context = await browser.newContext();
    const page = await context.newPage();
    await expect(page.goto(`https://localhost:${stranger.port}`)).rejects.toThrow(/ERR_CERT/);
    await context.close();
    stranger.server.closeAllConnections();
    stranger.server.close();
  });
});
