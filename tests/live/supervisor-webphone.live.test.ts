/**
 * A supervisor's monitor and whisper started from the webphone's Team calls panel, on a real Asterisk: the customer
 * 1002 (baresip, 1000 Hz) talks to the agent 1003 (baresip, 1400 Hz, team A); the supervisor 1005 (team A) has no
 * desk phone, only the webphone in Chromium (1005-web over SIP_WS_URL, its fake microphone playing 1800 Hz). The
 * controller rings 1005's devices with auto-answer: the webphone answers by itself. Measured: what the browser
 * receives (both parties' tones), and what each desk phone recorded of the supervisor's tone in each mode.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { tonesInBrowser, trackPeerConnections, writeToneWav } from './browser-audio.js';
import { Hearing, HEARD_DB, SILENT_DB } from './hearing.js';
import { describeLive, establishedAt, live, sleep, startLivePbx, type LivePbx } from './live-env.js';
import { buildWebphone } from '../helpers/build-webphone.js';
import { asteriskTls } from './live-tls.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const sipWsUrl = process.env.SIP_WS_URL;
const tones = { customer: 1000, agent: 1400, supervisor: 1800 } as const;
const ext = { customer: '1002', agent: '1003', supervisor: '1005' } as const;
/**
 * The supervisor's tone heard by the agent in whisper, over the customer's: Chromium's noise suppression (the webphone
 * asks for it) turns a steady tone down by about 20 dB within its first seconds, so it stands 20 dB below a desk
 * phone's tone in the same mix (measured: -20 dB SNR, against -150 dB, nothing at all, in monitor).
 */
const WHISPER_HEARD_DB = HEARD_DB - 20;

const skipReason = !live.ariUrl
  ? null // live-env.ts already said why, loudly
  : !sipWsUrl
    ? "SIP_WS_URL is not set (e.g. SIP_WS_URL=ws://127.0.0.1:8088/ws, the real Asterisk's SIP-WebSocket)"
    : !existsSync(chromiumPath)
      ? `no Chromium at ${chromiumPath} (Debian: apt-get install chromium, or set CHROMIUM_PATH)`
      : null;
if (skipReason) {
  const line = '='.repeat(78);
  console.warn(`\n${line}\nLIVE SUPERVISOR WEBPHONE TEST SKIPPED: ${skipReason}\n${line}\n`);
}
const describeSupervisor = skipReason ? describe.skip : describeLive;

describeSupervisor('live: a supervisor monitors and whispers from the webphone on a real Asterisk', () => {
  let pbx: LivePbx;
  let scratch: string;
  let browser: Browser;
  let page: Page;
  const phones: Partial<Record<'customer' | 'agent', BaresipPhone>> = {};

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'ari-pbx-supervisor-live-'));
    const webphoneDir = join(scratch, 'webphone');
    await buildWebphone(webphoneDir);
    const toneFile = join(scratch, `tone-${tones.supervisor}.wav`);
    writeToneWav(toneFile, tones.supervisor, 10);

    pbx = await startLivePbx({ SIP_WS_URL: sipWsUrl!, WEBPHONE_DIR: webphoneDir });
    const baseUrl = await pbx.app.server.listen({ port: 0, host: '127.0.0.1' });
    const team = await pbx.admin.post('/api/teams', { name: 'Team A' });
    expect(team.statusCode).toBe(201);
    const teamId = team.json<{ id: string }>().id;
    const customer = await pbx.createUser(ext.customer);
    const agent = await pbx.createUser(ext.agent, 'agent', teamId);
    await pbx.createUser(ext.supervisor, 'supervisor', teamId);
    phones.customer = await pbx.phone(ext.customer, customer.sipPassword, tones.customer);
    phones.agent = await pbx.phone(ext.agent, agent.sipPassword, tones.agent);

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${toneFile}`,
        '--autoplay-policy=no-user-gesture-required',
        '--disable-gpu',
        '--no-first-run',
        // Over wss:// the browser trusts Asterisk's certificate (the page itself stays on http://127.0.0.1).
        ...(asteriskTls(sipWsUrl)?.chromiumArgs ?? []),
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 820 },
      permissions: ['microphone'],
    });
    await context.addInitScript(trackPeerConnections);
    page = await context.newPage();
    await page.goto(baseUrl);
    await page.getByLabel('Username').fill(`live${ext.supervisor}`);
    await page.getByLabel('Password').fill('live-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(
      async () => (await page.getByTestId('registration').textContent()) === 'Registered',
      15_000,
      'the webphone registered',
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await pbx?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('Monitor in the Team calls panel: the webphone auto-answers and hears both; Whisper: only the agent hears the supervisor', async () => {
    const customer = phones.customer!;
    const agent = phones.agent!;
    customer.clearEvents();
    agent.clearEvents();
    await customer.dial(`sip:${ext.agent}@${live.sipAddress}`);
    const [customerUp, agentUp] = await Promise.all([establishedAt(customer), establishedAt(agent)]);
    const heard = { customer: new Hearing(customer, customerUp), agent: new Hearing(agent, agentUp) };

    const row = page.getByRole('listitem', { name: `Live ${ext.agent} with Live ${ext.customer}` });
    await row.waitFor({ timeout: 10_000 });
    const from = pbx.events.length;
    const clicked = Date.now();
    await page.getByRole('button', { name: `Monitor Live ${ext.agent}`, exact: true }).click();
    await pbx.eventAfter(from, 'supervision.started');
    await expect
      .poll(() => row.getByRole('status').textContent(), { timeout: 10_000 })
      .toBe(`You are monitoring Live ${ext.agent}`);
    console.log(
      `live supervisor webphone: Monitor clicked → the UI shows it active in ${Date.now() - clicked} ms`,
    );
    const monitorFrom = Date.now();
    await sleep(3000);
    const [customerDb, agentDb, ownDb] = await tonesInBrowser(page, [
      tones.customer,
      tones.agent,
      tones.supervisor,
    ]);
    console.log('live supervisor webphone, monitor: received in the browser, dBFS:', {
      customer: customerDb,
      agent: agentDb,
      own: ownDb,
    });
    // Both parties' tones arrive; the supervisor's own does not come back (a monitor snoop carries nothing of them).
    expect(customerDb).toBeGreaterThan(-40);
    expect(agentDb).toBeGreaterThan(-40);
    expect(ownDb).toBeLessThan(Math.min(customerDb!, agentDb!) - 30);
    const monitorTo = Date.now();

    await page.getByRole('button', { name: `Whisper Live ${ext.agent}`, exact: true }).click();
    await expect
      .poll(() => row.getByRole('status').textContent(), { timeout: 10_000 })
      .toBe(`You are whispering to Live ${ext.agent}`);
    const whisperFrom = Date.now();
    await sleep(4000);
    const whisperTo = Date.now();

    await page.getByRole('button', { name: `Stop supervising Live ${ext.agent}`, exact: true }).click();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Not supervised');
    await customer.hangup();
    await agent.waitFor('CALL_CLOSED', 10_000);
    await sleep(500); // baresip closes the WAV when the call ends
    await pbx.idle();

    const hz = { supervisor: tones.supervisor };
    const monitor = {
      customer: heard.customer.tones({ from: monitorFrom, to: monitorTo }, hz),
      agent: heard.agent.tones({ from: monitorFrom, to: monitorTo }, hz),
    };
    const whisper = {
      customer: heard.customer.tones({ from: whisperFrom, to: whisperTo }, hz),
      agent: heard.agent.tones({ from: whisperFrom, to: whisperTo }, hz),
    };
    console.log("live supervisor webphone: the supervisor's tone (SNR dB) at each desk phone:", {
      monitor,
      whisper,
    });
    expect(monitor.customer.supervisor).toBeLessThan(SILENT_DB);
    expect(monitor.agent.supervisor).toBeLessThan(SILENT_DB);
    expect(whisper.agent.supervisor).toBeGreaterThan(WHISPER_HEARD_DB);
    expect(whisper.customer.supervisor).toBeLessThan(SILENT_DB);
  });
});
