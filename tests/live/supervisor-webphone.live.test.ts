/**
 * A supervisor's monitor and whisper started from the webphone's Team calls panel, on a real Asterisk: the customer
 * 1002 (baresip, 1000 Hz) talks to the agent 1003 (baresip, 1400 Hz, team A); the supervisor 1005 (team A) has no
 * desk phone, only the webphone in Chromium (1005-web over SIP_WS_URL, its fake microphone playing 1800 Hz). The
 * controller rings 1005's devices with auto-answer: the webphone answers by itself. Measured: what the browser
 * receives (both parties' tones), and what each desk phone recorded of the supervisor's tone in each mode.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { Hearing, HEARD_DB, SILENT_DB } from './hearing.js';
import { describeLive, establishedAt, live, sleep, startLivePbx, type LivePbx } from './live-env.js';

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

/** The browser APIs the page functions use (the test project's TypeScript has no DOM library). */
interface PageWindow {
  __peerConnections: { getReceivers(): Array<{ track: { kind: string } }> }[];
  RTCPeerConnection: new (configuration?: unknown) => PageWindow['__peerConnections'][number];
  MediaStream: new (tracks: unknown[]) => unknown;
  AudioContext: new () => {
    sampleRate: number;
    createAnalyser(): {
      fftSize: number;
      smoothingTimeConstant: number;
      frequencyBinCount: number;
      getFloatFrequencyData(bins: Float32Array): void;
    };
    createMediaStreamSource(stream: unknown): { connect(node: unknown): void };
    close(): Promise<void>;
  };
}

/** Keeps the page's RTCPeerConnections in `window.__peerConnections` (test-only init script). */
function trackPeerConnections() {
  const page = globalThis as unknown as PageWindow;
  const Native = page.RTCPeerConnection;
  page.__peerConnections = [];
  page.RTCPeerConnection = class extends Native {
    constructor(configuration?: unknown) {
      super(configuration);
      page.__peerConnections.push(this);
    }
  };
}

/** The received audio through a WebAudio analyser for half a second: each frequency's level, in dBFS. */
async function tonesInBrowser(page: Page, hzs: number[]): Promise<number[]> {
  return page.evaluate(async (frequencies) => {
    const w = globalThis as unknown as PageWindow;
    const track = w.__peerConnections
      .at(-1)
      ?.getReceivers()
      .find((r) => r.track.kind === 'audio')?.track;
    if (!track) throw new Error('no audio track received');
    const context = new w.AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    context.createMediaStreamSource(new w.MediaStream([track])).connect(analyser);
    await new Promise((r) => setTimeout(r, 500));
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    await context.close();
    const hzPerBin = context.sampleRate / analyser.fftSize;
    return frequencies.map((hz) => {
      const at = Math.round(hz / hzPerBin);
      // The loudest of the three bins around the tone (a window's leakage).
      const level = Math.max(bins[at - 1] ?? -200, bins[at] ?? -200, bins[at + 1] ?? -200);
      return Math.round(Math.max(level, -200) * 10) / 10;
    });
  }, hzs);
}

/** A mono 16-bit WAV of a sine at -6 dBFS: what Chromium's fake microphone plays (looped). */
function writeToneWav(path: string, hz: number, seconds: number, sampleRate = 48_000) {
  const frames = seconds * sampleRate;
  const wav = Buffer.alloc(44 + frames * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + frames * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i++)
    wav.writeInt16LE(Math.round(16_384 * Math.sin((2 * Math.PI * hz * i) / sampleRate)), 44 + i * 2);
  writeFileSync(path, wav);
}

describeSupervisor('live: a supervisor monitors and whispers from the webphone on a real Asterisk', () => {
  let pbx: LivePbx;
  let scratch: string;
  let browser: Browser;
  let page: Page;
  const phones: Partial<Record<'customer' | 'agent', BaresipPhone>> = {};

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'ari-pbx-supervisor-live-'));
    const webphoneDir = join(scratch, 'webphone');
    await build({
      root: resolve('webphone'),
      logLevel: 'warn',
      build: { outDir: webphoneDir, emptyOutDir: true },
    });
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
