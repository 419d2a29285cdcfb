/**
 * The webphone in Chromium against the real Asterisk: it registers `1002-web` over SIP-WebSocket (SIP_WS_URL)
 * and talks with a baresip desk phone (1001), both directions, with real DTLS-SRTP media. What each side heard is
 * measured: the browser's WebRTC stats (packets and audio energy received), and the desk phone's recording of
 * the browser's microphone (Chromium's fake capture device fed with a WAV file of a known tone).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenHttps } from '../../controller/http/https-listener.js';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { Hearing, HEARD_DB, SILENT_DB } from './hearing.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { asteriskTls } from './live-tls.js';
import { readWav, tonePowerDb, toneSnrDb, totalPowerDb } from './tone-meter.js';
import { buildWebphone } from '../helpers/build-webphone.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const sipWsUrl = process.env.SIP_WS_URL;
/** With `SIP_WS_URL=wss://…` the page is served over HTTPS too, with Asterisk's certificate (`live-tls.ts`). */
const tls = asteriskTls(sipWsUrl);
/** The desk phone's tone, and the tone the browser's fake microphone plays. */
const DESK_HZ = 440;
const BROWSER_HZ = 1000;
/** The second desk phone (1003), the target of the attended transfer. */
const TARGET_HZ = 660;

const skipReason = !live.ariUrl
  ? null // live-env.ts already said why, loudly
  : !sipWsUrl
    ? "SIP_WS_URL is not set (e.g. SIP_WS_URL=ws://127.0.0.1:8088/ws, the real Asterisk's SIP-WebSocket)"
    : !existsSync(chromiumPath)
      ? `no Chromium at ${chromiumPath} (Debian: apt-get install chromium, or set CHROMIUM_PATH)`
      : null;
if (skipReason) {
  const line = '='.repeat(78);
  console.warn(`\n${line}\nLIVE WEBPHONE TESTS SKIPPED: ${skipReason}\n${line}\n`);
}
const describeWebphone = skipReason ? describe.skip : describeLive;

/**
 * Restarting Asterisk is the one thing the suite cannot do portably: the commands come from the environment and
 * run with `sh -c` (the start command must return, e.g. by backgrounding Asterisk). Without them that case skips.
 */
const asteriskStop = process.env.LIVE_ASTERISK_STOP_CMD;
const asteriskStart = process.env.LIVE_ASTERISK_START_CMD;
const restartSkipReason =
  asteriskStop && asteriskStart
    ? null
    : 'LIVE_ASTERISK_STOP_CMD and LIVE_ASTERISK_START_CMD are not set (shell commands that stop and start the ' +
      'Asterisk at ARI_URL, e.g. LIVE_ASTERISK_STOP_CMD="asterisk -rx \'core stop now\'"; the start command must ' +
      'background Asterisk and return)';
if (!skipReason && restartSkipReason) {
  const line = '='.repeat(78);
  console.warn(`\n${line}\nLIVE WEBPHONE ASTERISK-RESTART TEST SKIPPED: ${restartSkipReason}\n${line}\n`);
}

/** Runs a shell command and resolves when the shell exits (not when a backgrounded child closes its output). */
function shell(command: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`\`${command}\` still running after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`\`${command}\` exited with ${code}`));
    });
  });
}

/** Whether Asterisk answers ARI (`GET /ari/asterisk/ping`). */
async function asteriskUp(): Promise<boolean> {
  try {
    const response = await fetch(`${live.ariUrl}/ari/asterisk/ping`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${live.username}:${live.password}`).toString('base64')}`,
      },
      signal: AbortSignal.timeout(1000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** What the page's RTCPeerConnection says about the call's audio (`getStats()`). */
interface MediaStats {
  packetsReceived: number;
  packetsLost: number;
  packetsSent: number;
  totalAudioEnergy: number;
  codec: string;
  candidatePair: string;
}

/**
 * The few browser APIs the page functions below use, typed here: the test project's TypeScript has no DOM library.
 * (Functions given to `page.evaluate` run in the page and cannot use anything from this module but types.)
 */
interface PagePeerConnection {
  getStats(): Promise<{ values(): Iterable<Record<string, unknown>> }>;
  getReceivers(): Array<{ track: { kind: string } }>;
}
interface PageAnalyser {
  fftSize: number;
  smoothingTimeConstant: number;
  frequencyBinCount: number;
  getFloatFrequencyData(bins: Float32Array): void;
}
interface PageWindow {
  __peerConnections: PagePeerConnection[];
  RTCPeerConnection: new (configuration?: unknown) => PagePeerConnection;
  MediaStream: new (tracks: unknown[]) => unknown;
  AudioContext: new () => {
    sampleRate: number;
    createAnalyser(): PageAnalyser;
    createMediaStreamSource(stream: unknown): { connect(node: PageAnalyser): void };
    close(): Promise<void>;
  };
}

/**
 * Keeps every RTCPeerConnection the page creates in `window.__peerConnections` so the test can read its stats.
 * Injected by the test only (playwright's addInitScript): the webphone itself exposes nothing.
 */
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

async function mediaStats(page: Page): Promise<MediaStats> {
  return page.evaluate(async () => {
    const pc = (globalThis as unknown as PageWindow).__peerConnections.at(-1);
    if (!pc) throw new Error('the page made no RTCPeerConnection');
    const stats = [...(await pc.getStats()).values()];
    const byId = new Map(stats.map((s) => [String(s.id), s]));
    const inbound = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio') ?? {};
    const outbound = stats.find((s) => s.type === 'outbound-rtp' && s.kind === 'audio') ?? {};
    const transport = stats.find((s) => s.type === 'transport');
    const pair = byId.get(String(transport?.selectedCandidatePairId));
    const address = (id: unknown) => {
      const c = byId.get(String(id));
      return c ? `${String(c.candidateType)} ${String(c.address ?? c.ip)}:${String(c.port)}` : '?';
    };
    return {
      packetsReceived: Number(inbound.packetsReceived ?? 0),
      packetsLost: Number(inbound.packetsLost ?? 0),
      packetsSent: Number(outbound.packetsSent ?? 0),
      totalAudioEnergy: Number(inbound.totalAudioEnergy ?? 0),
      codec: String(byId.get(String(inbound.codecId))?.mimeType ?? '?'),
      candidatePair: pair
        ? `${address(pair.localCandidateId)} -> ${address(pair.remoteCandidateId)}`
        : 'none',
    };
  });
}

/**
 * What the browser hears: the far end's audio track through a WebAudio analyser for half a second; its loudest
 * frequency and how far that stands above the loudest bin more than 50 Hz away.
 */
async function heardInBrowser(page: Page): Promise<{ peakHz: number; peakDb: number; aboveRestDb: number }> {
  return page.evaluate(async () => {
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
    let peak = 1;
    for (let i = 1; i < bins.length; i++) if (bins[i]! > bins[peak]!) peak = i;
    const hzPerBin = context.sampleRate / analyser.fftSize;
    // The loudest bin more than 50 Hz away from the peak: harmonics, quantisation noise, anything else.
    let rest = -Infinity;
    for (let i = 1; i < bins.length; i++)
      if (Math.abs(i - peak) * hzPerBin > 50) rest = Math.max(rest, bins[i]!);
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      peakHz: round(peak * hzPerBin),
      peakDb: round(bins[peak]!),
      aboveRestDb: round(bins[peak]! - rest),
    };
  });
}

/** A mono 16-bit WAV of a sine at -6 dBFS: what Chromium's fake microphone plays (looped). */
function writeToneWav(path: string, hz: number, seconds: number, sampleRate = 48_000) {
  const frames = seconds * sampleRate;
  const wav = Buffer.alloc(44 + frames * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + frames * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i++) {
    wav.writeInt16LE(Math.round(16_384 * Math.sin((2 * Math.PI * hz * i) / sampleRate)), 44 + i * 2);
  }
  writeFileSync(path, wav);
}

/**
 * How the browser's tone reached the desk phone. Chromium's noise suppression and gain control (the webphone asks
 * for them) treat a steady tone as noise and turn it down by about 20 dB over its first 2-3 s, and a half-second
 * block whose level is still falling measures only ~20 dB SNR: hence the tone's power over the whole recording and
 * its SNR in the best half-second (a clean tone: ≥ 37 dB), with the level in the first and last blocks shown.
 */
function browserToneAtDesk(path: string) {
  const { samples, sampleRate } = readWav(path);
  const block = sampleRate / 2;
  const blocks: Float64Array[] = [];
  for (let start = 0; start + block <= samples.length; start += block)
    blocks.push(samples.subarray(start, start + block));
  const round = (n: number) => Number(n.toFixed(1));
  return {
    seconds: round(samples.length / sampleRate),
    totalPowerDb: round(totalPowerDb(samples)),
    tonePowerDb: round(tonePowerDb(samples, sampleRate, BROWSER_HZ)),
    firstBlockToneDb: round(tonePowerDb(blocks[0] ?? samples, sampleRate, BROWSER_HZ)),
    lastBlockToneDb: round(tonePowerDb(blocks.at(-1) ?? samples, sampleRate, BROWSER_HZ)),
    quietestBlockToneDb: round(Math.min(...blocks.map((b) => tonePowerDb(b, sampleRate, BROWSER_HZ)))),
    medianSnrDb: round(toneSnrDb(samples, sampleRate, BROWSER_HZ)),
    bestSnrDb: round(Math.max(...blocks.map((b) => toneSnrDb(b, sampleRate, BROWSER_HZ)))),
  };
}

describeWebphone('live: the webphone in Chromium talks with a desk phone through the real Asterisk', () => {
  let pbx: LivePbx;
  let baseUrl: string;
  let scratch: string;
  let browser: Browser;
  let https: HttpsServer | undefined;
  let page: Page;
  let desk: BaresipPhone;
  let target: BaresipPhone;
  const users: Record<string, LiveUser> = {};

  const endpointState = async (id: string) => {
    const endpoint = await pbx.connection.pbx.getEndpoint('PJSIP', id);
    return endpoint.ok ? endpoint.value.state : 'missing';
  };
  const callLog = (callId: string) =>
    pbx.database.db.selectFrom('call_logs').selectAll().where('call_id', '=', callId).executeTakeFirst();
  const closedCallLog = (callId: string) =>
    eventually(
      async () => {
        const row = await callLog(callId);
        return row?.ended_at ? row : undefined;
      },
      5000,
      'call log closed',
    );
  const answeredCallId = async (from: string) => {
    const event = await eventually(
      () =>
        pbx.events.find(
          (e) =>
            e.type === 'call.answered' && (e.data as { from?: { number?: string } }).from?.number === from,
        ),
      10_000,
      `call.answered from ${from}`,
    );
    return (event.data as { id: string }).id;
  };
  const endedText = () =>
    page
      .locator('.call-ended')
      .textContent({ timeout: 1000 })
      .catch(() => '');
  const callState = () =>
    page
      .getByTestId('call-state')
      .textContent({ timeout: 1000 })
      .catch(() => '');

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'ari-pbx-webphone-live-'));
    const webphoneDir = join(scratch, 'webphone');
    await buildWebphone(webphoneDir);
    const toneFile = join(scratch, `tone-${BROWSER_HZ}.wav`);
    writeToneWav(toneFile, BROWSER_HZ, 10);

    pbx = await startLivePbx({ SIP_WS_URL: sipWsUrl!, WEBPHONE_DIR: webphoneDir });
    baseUrl = await pbx.app.server.listen({ port: 0, host: '127.0.0.1' });
    if (tls) {
      const listening = await listenHttps(pbx.app.server.server, tls.pair, '127.0.0.1', 0);
      https = listening.server;
      baseUrl = `https://localhost:${listening.port}`;
    }
    users['1001'] = await pbx.createUser('1001');
    users['1002'] = await pbx.createUser('1002');
    desk = await pbx.phone('1001', users['1001'].sipPassword, DESK_HZ);
    users['1003'] = await pbx.createUser('1003');
    target = await pbx.phone('1003', users['1003'].sipPassword, TARGET_HZ);

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${toneFile}`,
        '--autoplay-policy=no-user-gesture-required',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        ...(tls?.chromiumArgs ?? []),
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 820 },
      permissions: ['microphone'],
    });
    await context.addInitScript(trackPeerConnections);
    page = await context.newPage();
    page.on('pageerror', (error) => console.log('[browser]', error.message));

    const started = Date.now();
    await page.goto(baseUrl);
    await page.getByLabel('Username').fill('live1002');
    await page.getByLabel('Password').fill('live-password-1');
    const signedIn = Date.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(
      async () => (await page.getByTestId('registration').textContent()) === 'Registered',
      15_000,
      'the UI shows Registered',
    );
    await eventually(async () => (await endpointState('1002-web')) === 'online', 5000, '1002-web online');
    console.log(
      `webphone 1002-web registered over ${sipWsUrl} ${Date.now() - signedIn} ms after "Sign in" ` +
        `(${Date.now() - started} ms from loading ${baseUrl})`,
    );
    if (tls) expect(await page.evaluate('window.isSecureContext && location.protocol')).toBe('https:');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    https?.closeAllConnections();
    https?.close();
    await pbx?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('a desk phone calls the webphone: popup, answer in the UI, audio both ways, hang up from the UI', async () => {
    desk.clearEvents();
    await desk.dial(`sip:1002@${live.sipAddress}`);
    const answer = page.getByRole('button', { name: /^Answer call from / });
    await answer.waitFor({ timeout: 10_000 });
    expect(await page.getByRole('alertdialog').first().textContent()).toContain('1001');
    await answer.click();
    await desk.waitFor('CALL_ESTABLISHED', 10_000);
    await expect.poll(callState, { timeout: 10_000 }).toMatch(/0:0\d/);
    const callId = await answeredCallId('1001');

    await sleep(4000);
    const stats = await mediaStats(page);
    console.log('live webphone <- 1001 (incoming), browser WebRTC stats:', stats);
    expect(stats.packetsReceived).toBeGreaterThan(100);
    expect(stats.packetsSent).toBeGreaterThan(100);
    // Chromium counts received audio energy only for audio it plays out: 0 means the page never attached the far
    // end's stream to its <audio> element (outgoing calls did not, before sip-phone.ts took the connection).
    expect(stats.totalAudioEnergy).toBeGreaterThan(0);
    const browserHeard = await heardInBrowser(page);
    console.log(
      `live 1001 -> webphone: the browser's received audio, peak (1001 plays ${DESK_HZ} Hz):`,
      browserHeard,
    );
    expect(Math.abs(browserHeard.peakHz - DESK_HZ)).toBeLessThan(10);
    expect(browserHeard.aboveRestDb).toBeGreaterThan(30);

    await page.getByRole('button', { name: 'End call' }).click();
    await desk.waitFor('CALL_CLOSED', 10_000);
    await expect.poll(endedText, { timeout: 10_000 }).not.toBe('');
    const log = await closedCallLog(callId);
    expect(log).toMatchObject({
      from_number: '1001',
      to_number: '1002',
      answered_by_extension: '1002',
      disposition: 'answered',
    });

    await sleep(500); // baresip closes the WAV when the call ends
    const heard = browserToneAtDesk(desk.recordings().at(-1)!);
    console.log(
      `live webphone -> 1001 (incoming): what the desk phone recorded of the browser's ${BROWSER_HZ} Hz:`,
      heard,
    );
    expect(heard.tonePowerDb).toBeGreaterThan(-35);
    expect(heard.bestSnrDb).toBeGreaterThan(30);
  });

  it('the webphone calls the desk phone: it auto-answers, audio both ways, hold and resume, DTMF, the desk phone hangs up', async () => {
    await page.getByLabel('Number to dial').waitFor({ timeout: 10_000 });
    desk.clearEvents();
    await page.getByLabel('Number to dial').fill('1001');
    await page.getByLabel('Number to dial').press('Enter');
    await desk.waitFor('CALL_ESTABLISHED', 10_000);
    await expect.poll(callState, { timeout: 10_000 }).toMatch(/0:0\d/);
    const callId = await answeredCallId('1002');

    await sleep(4000);
    const stats = await mediaStats(page);
    console.log('live webphone -> 1001 (outgoing), browser WebRTC stats:', stats);
    expect(stats.packetsReceived).toBeGreaterThan(100);
    expect(stats.packetsSent).toBeGreaterThan(100);
    expect(stats.totalAudioEnergy).toBeGreaterThan(0);
    const browserHeard = await heardInBrowser(page);
    console.log(
      `live 1001 -> webphone: the browser's received audio, peak (1001 plays ${DESK_HZ} Hz):`,
      browserHeard,
    );
    expect(Math.abs(browserHeard.peakHz - DESK_HZ)).toBeLessThan(10);
    expect(browserHeard.aboveRestDb).toBeGreaterThan(30);

    // Hold and resume are re-INVITEs over the same DTLS-SRTP session: audio must flow again afterwards.
    await page.getByRole('button', { name: 'Hold' }).click();
    await expect.poll(callState, { timeout: 5000 }).toContain('On hold');
    await sleep(1000);
    const held = await mediaStats(page);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(callState, { timeout: 5000 }).not.toContain('On hold');
    const resumedAt = await mediaStats(page);
    await sleep(2000);
    const resumed = await mediaStats(page);
    console.log('live webphone hold/resume: packets', {
      beforeHold: { received: stats.packetsReceived, sent: stats.packetsSent },
      onHold: { received: held.packetsReceived, sent: held.packetsSent },
      resumed: { received: resumedAt.packetsReceived, sent: resumedAt.packetsSent },
      twoSecondsLater: { received: resumed.packetsReceived, sent: resumed.packetsSent },
    });
    expect(resumed.packetsReceived - resumedAt.packetsReceived).toBeGreaterThan(50);
    expect(resumed.packetsSent - resumedAt.packetsSent).toBeGreaterThan(50);

    // DTMF from the keypad goes as RFC 4733 events in the (SRTP) media; Asterisk passes them to the desk phone.
    await page.getByRole('button', { name: 'Keypad' }).click();
    await page.keyboard.type('12#');
    await expect.poll(() => page.getByLabel('Tones sent').textContent(), { timeout: 5000 }).toBe('12#');
    const digits = () =>
      desk.events
        .filter((e) => e.type === 'CALL_DTMF_START')
        .map((e) => e.param)
        .join('');
    await expect.poll(digits, { timeout: 5000 }).toBe('12#');
    console.log(`live webphone -> 1001: DTMF typed 12#, the desk phone received ${digits()}`);

    await desk.hangup();
    await desk.waitFor('CALL_CLOSED', 10_000);
    await expect.poll(endedText, { timeout: 10_000 }).toContain('The other side hung up');
    const log = await closedCallLog(callId);
    expect(log).toMatchObject({ from_number: '1002', to_number: '1001', disposition: 'answered' });

    await sleep(500);
    const heard = browserToneAtDesk(desk.recordings().at(-1)!);
    console.log(
      `live webphone -> 1001 (outgoing): what the desk phone recorded of the browser's ${BROWSER_HZ} Hz:`,
      heard,
    );
    expect(heard.tonePowerDb).toBeGreaterThan(-35);
    expect(heard.bestSnrDb).toBeGreaterThan(30);
    // While the agent had the call on hold the desk phone did not hear the browser's microphone (JsSIP disables
    // the track; chan_pjsip plays Asterisk's hold music to the desk phone): a half-second without the tone.
    expect(heard.quietestBlockToneDb).toBeLessThan(-45);
  });

  /** What the registration badge said, and when (ms after `since`), sampled every 100 ms until stopped. */
  function watchBadge(since: number) {
    const seen: [number, string][] = [];
    let running = true;
    const sample = async () => {
      const text = await page
        .getByTestId('registration')
        .textContent({ timeout: 1000 })
        .catch(() => '?');
      if (text !== seen.at(-1)?.[1]) seen.push([Date.now() - since, text ?? '']);
    };
    const loop = (async () => {
      while (running) {
        await sample();
        await sleep(100);
      }
    })();
    return {
      seen,
      async stop() {
        if (!running) return;
        running = false;
        await loop;
        await sample();
      },
    };
  }

  const registrationText = () =>
    page
      .getByTestId('registration')
      .textContent({ timeout: 1000 })
      .catch(() => '');

  /**
   * Stops Asterisk, checks the UI says the connection is lost, keeps it away 2 s and starts it again; returns when
   * it answers ARI. `timings` gets each step in ms after the stop command.
   */
  async function restartAsterisk(timings: Record<string, number>, since: number) {
    const at = () => Date.now() - since;
    await shell(asteriskStop!);
    timings.stopCommandReturned = at();
    await eventually(async () => !(await asteriskUp()), 15_000, 'Asterisk stopped');
    timings.asteriskDown = at();
    await expect.poll(registrationText, { timeout: 15_000 }).toBe('Connection to Asterisk lost');
    timings.uiLost = at();
    const help = await page.locator('.registration-help').textContent();
    expect(help).toContain('Calls cannot be made or received');
    expect(help).toMatch(/Reconnecting \(attempt \d+\)/);
    await sleep(2000); // Asterisk stays away a little while, as a real restart does
    await shell(asteriskStart!);
    timings.startCommandReturned = at();
    await eventually(asteriskUp, 60_000, 'Asterisk answering ARI again');
    timings.asteriskUp = at();
  }

  /** Whatever failed, leave Asterisk running (and the controller connected) for whoever holds the live lock next. */
  async function ensureAsteriskUp() {
    if (!(await asteriskUp())) {
      await shell(asteriskStart!).catch(() => undefined);
      await eventually(asteriskUp, 60_000, 'Asterisk up again').catch(() => undefined);
    }
    await pbx.connection.start();
  }

  it("handoff both ways: the call on 1002's desk phone moves to the webphone (Move here), then back (To desk); 1001 hears each in turn", async () => {
    const OWN_DESK_HZ = 1400;
    const ownDesk = await pbx.phone('1002', users['1002']!.sipPassword, OWN_DESK_HZ, 'auto');
    try {
      desk.clearEvents();
      await desk.dial(`sip:1002@${live.sipAddress}`);
      await Promise.all([
        desk.waitFor('CALL_ESTABLISHED', 10_000),
        ownDesk.waitFor('CALL_ESTABLISHED', 10_000),
      ]);
      const callerUp = Date.now();
      await page.getByRole('button', { name: 'Move the call to this webphone' }).click({ timeout: 10_000 });
      const answer = page.getByRole('button', { name: /^Answer call from / });
      await answer.waitFor({ timeout: 10_000 });
      const movedAt = Date.now();
      await answer.click();
      await ownDesk.waitFor('CALL_CLOSED', 10_000);
      const hereAt = Date.now();
      console.log(
        `live handoff desk -> webphone: answered in the UI, the desk released ${hereAt - movedAt} ms later`,
      );
      await sleep(3000);
      const browserHeard = await heardInBrowser(page);
      console.log('live handoff: the browser hears 1001:', browserHeard);
      expect(Math.abs(browserHeard.peakHz - DESK_HZ)).toBeLessThan(10);
      expect(browserHeard.aboveRestDb).toBeGreaterThan(30);

      ownDesk.clearEvents();
      const backAt = Date.now();
      await page.getByRole('button', { name: 'Move the call to my desk phone' }).click();
      await ownDesk.waitFor('CALL_ESTABLISHED', 10_000);
      const deskAgainAt = Date.now();
      await expect.poll(endedText, { timeout: 10_000 }).not.toBe('');
      await sleep(3000);
      const heardUntil = Date.now();
      await desk.hangup();
      await ownDesk.waitFor('CALL_CLOSED', 10_000);
      await sleep(500); // baresip closes the WAV when the call ends
      const heard = new Hearing(desk, callerUp).tones(
        { from: deskAgainAt, to: heardUntil },
        { ownDesk: OWN_DESK_HZ, browser: BROWSER_HZ },
      );
      console.log(
        `live handoff webphone -> desk: the desk answered ${deskAgainAt - backAt} ms after the click; 1001 then hears`,
        heard,
      );
      expect(heard.ownDesk).toBeGreaterThan(HEARD_DB);
      expect(heard.browser).toBeLessThan(SILENT_DB);
    } finally {
      await ownDesk.stop();
    }
  });

  it.skipIf(restartSkipReason)(
    'Asterisk restarts: the webphone re-registers by itself',
    async () => {
      expect(await endpointState('1002-web')).toBe('online');
      const reconnects: number[] = [];
      const stopListening = pbx.connection.onConnected(() => void reconnects.push(Date.now()));
      let loads = 0;
      const countLoad = () => (loads += 1);
      page.on('load', countLoad);
      const since = Date.now();
      const at = () => Date.now() - since;
      const badge = watchBadge(since);
      const timings: Record<string, number> = {};
      try {
        await restartAsterisk(timings, since);
        // Memory objects vanished with the restart: the endpoint comes back only when the controller pushes it.
        const pushedAlready = (await pbx.connection.pbx.getEndpoint('PJSIP', '1002-web')).ok;
        await eventually(
          () => pbx.connection.state() === 'connected',
          30_000,
          'the controller reconnects to ARI',
        );
        timings.ariReconnected = at();
        await eventually(
          async () => (await pbx.connection.pbx.getEndpoint('PJSIP', '1002-web')).ok,
          30_000,
          'the controller pushes 1002-web again',
        );
        timings.accountPushed = at();
        await expect.poll(registrationText, { timeout: 90_000, interval: 200 }).toBe('Registered');
        timings.uiRegistered = at();
        await eventually(
          async () => (await endpointState('1002-web')) === 'online',
          10_000,
          '1002-web online',
        );
        timings.endpointOnline = at();
        expect(reconnects.length).toBeGreaterThanOrEqual(1);
        expect(loads).toBe(0);
        await badge.stop();
        console.log(
          `live Asterisk restart: ms after the stop command ${JSON.stringify(timings)}; 1002-web already pushed ` +
            `when Asterisk first answered: ${pushedAlready}; the badge said ${JSON.stringify(badge.seen)}`,
        );

        // And the phone works: the desk phone calls it, the agent answers, audio flows, the agent hangs up.
        desk.clearEvents();
        await eventually(
          async () => (await endpointState('1001')) !== 'missing',
          10_000,
          'the desk phone endpoint pushed again',
        );
        await desk.dial(`sip:1002@${live.sipAddress}`);
        const answer = page.getByRole('button', { name: /^Answer call from / });
        await answer.waitFor({ timeout: 15_000 });
        await answer.click();
        await desk.waitFor('CALL_ESTABLISHED', 10_000);
        await expect.poll(callState, { timeout: 10_000 }).toMatch(/0:0\d/);
        await sleep(2000);
        const stats = await mediaStats(page);
        console.log('live after the Asterisk restart, 1001 -> webphone, browser WebRTC stats:', stats);
        expect(stats.packetsReceived).toBeGreaterThan(50);
        expect(stats.packetsSent).toBeGreaterThan(50);
        await page.getByRole('button', { name: 'End call' }).click();
        await desk.waitFor('CALL_CLOSED', 10_000);
      } finally {
        await badge.stop();
        stopListening();
        page.off('load', countLoad);
        await ensureAsteriskUp();
      }
    },
    240_000,
  );

  it.skipIf(restartSkipReason)(
    'Asterisk restarts while the controller is away: REGISTER is refused until the account is pushed, the webphone keeps retrying',
    async () => {
      await eventually(async () => (await endpointState('1002-web')) === 'online', 10_000, '1002-web online');
      const since = Date.now();
      const at = () => Date.now() - since;
      const badge = watchBadge(since);
      const timings: Record<string, number> = {};
      try {
        // The controller's ARI connection goes first, so Asterisk comes back without the webphone's account.
        await pbx.connection.stop();
        await restartAsterisk(timings, since);
        await expect
          .poll(registrationText, { timeout: 60_000, interval: 200 })
          .toBe('SIP credentials refused');
        timings.uiRefused = at();
        const refusedHelp = (await page.locator('.registration-help').textContent()) ?? '';
        expect(refusedHelp).toMatch(/Retrying \(attempt \d+\)/);
        await sleep(5000); // refused a few times more
        const helpBeforePush = (await page.locator('.registration-help').textContent()) ?? '';
        expect(await registrationText()).toBe('SIP credentials refused');

        await pbx.connection.start();
        timings.controllerBack = at();
        await eventually(
          async () => (await pbx.connection.pbx.getEndpoint('PJSIP', '1002-web')).ok,
          30_000,
          'the controller pushes 1002-web again',
        );
        timings.accountPushed = at();
        await expect.poll(registrationText, { timeout: 60_000, interval: 200 }).toBe('Registered');
        timings.uiRegistered = at();
        await eventually(
          async () => (await endpointState('1002-web')) === 'online',
          10_000,
          '1002-web online',
        );
        timings.endpointOnline = at();
        await badge.stop();
        console.log(
          `live Asterisk restart, controller away: ms after the stop command ${JSON.stringify(timings)}; ` +
            `the badge said ${JSON.stringify(badge.seen)}; first refusal: "${refusedHelp}"; ` +
            `before the push: "${helpBeforePush}"`,
        );

        // A call again, the other way: the webphone dials the desk phone.
        desk.clearEvents();
        await eventually(
          async () => (await endpointState('1001')) !== 'missing',
          10_000,
          '1001 pushed again',
        );
        await page.getByLabel('Number to dial').fill('1001');
        await page.getByLabel('Number to dial').press('Enter');
        await desk.waitFor('CALL_ESTABLISHED', 10_000);
        await expect.poll(callState, { timeout: 10_000 }).toMatch(/0:0\d/);
        await sleep(2000);
        const stats = await mediaStats(page);
        console.log(
          'live after the restart with the controller away, webphone -> 1001, WebRTC stats:',
          stats,
        );
        expect(stats.packetsReceived).toBeGreaterThan(50);
        await desk.hangup();
        await desk.waitFor('CALL_CLOSED', 10_000);
      } finally {
        await badge.stop();
        await ensureAsteriskUp();
      }
    },
    240_000,
  );

  it('attended transfer from the UI: 1001 held, 1003 consulted, then 1001 and 1003 talk and the webphone is free', async () => {
    await page.getByLabel('Number to dial').waitFor({ timeout: 10_000 });
    desk.clearEvents();
    target.clearEvents();
    await page.getByLabel('Number to dial').fill('1001');
    await page.getByLabel('Number to dial').press('Enter');
    await desk.waitFor('CALL_ESTABLISHED', 10_000);
    await expect.poll(callState, { timeout: 10_000 }).toMatch(/0:0\d/);
    const firstCall = await answeredCallId('1002');

    await page.getByRole('button', { name: 'Consult, then transfer' }).click();
    await page.getByRole('textbox', { name: 'Consult to' }).fill('1003');
    await page.getByRole('button', { name: 'Consult 1003' }).click();
    await target.waitFor('CALL_ESTABLISHED', 10_000);
    const consultation = page.getByTestId('consult');
    await expect
      .poll(
        () =>
          consultation
            .getByTestId('consult-state')
            .textContent({ timeout: 1000 })
            .catch(() => ''),
        {
          timeout: 10_000,
        },
      )
      .toMatch(/0:0\d/);
    await sleep(2000);
    const heardConsulting = await heardInBrowser(page);
    console.log(`live consultation: the browser hears (1003 plays ${TARGET_HZ} Hz):`, heardConsulting);
    expect(Math.abs(heardConsulting.peakHz - TARGET_HZ)).toBeLessThan(10);

    const transferredAt = Date.now();
    await consultation.getByRole('button', { name: /^Complete transfer/ }).click();
    await page.getByLabel('Number to dial').waitFor({ timeout: 10_000 });
    console.log(
      `live attended transfer: the webphone was free ${Date.now() - transferredAt} ms after Complete`,
    );
    // 1001 and 1003 now talk: their phones stay up, and each records the other's tone.
    await sleep(3000);
    expect(desk.events.some((e) => e.type === 'CALL_CLOSED')).toBe(false);
    expect(target.events.some((e) => e.type === 'CALL_CLOSED')).toBe(false);
    await desk.hangup();
    await desk.waitFor('CALL_CLOSED', 10_000);
    await target.waitFor('CALL_CLOSED', 10_000);
    await sleep(500);
    const tail = (path: string, hz: number) => {
      const { samples, sampleRate } = readWav(path);
      const last = samples.subarray(Math.max(0, samples.length - 2 * sampleRate));
      return {
        toneDb: Number(tonePowerDb(last, sampleRate, hz).toFixed(1)),
        browserToneDb: Number(tonePowerDb(last, sampleRate, BROWSER_HZ).toFixed(1)),
      };
    };
    const at1001 = tail(desk.recordings().at(-1)!, TARGET_HZ);
    const at1003 = tail(target.recordings().at(-1)!, DESK_HZ);
    console.log('live attended transfer, the last 2 s each desk phone recorded:', {
      '1001 hears 1003': at1001,
      '1003 hears 1001': at1003,
    });
    expect(at1001.toneDb).toBeGreaterThan(-35);
    expect(at1003.toneDb).toBeGreaterThan(-35);
    expect(at1001.browserToneDb).toBeLessThan(at1001.toneDb - 20);
    const logs = await pbx.database.db
      .selectFrom('call_logs')
      .select(['call_id', 'from_number', 'to_number', 'disposition'])
      .where('started_at', '>=', new Date(transferredAt - 60_000))
      .orderBy('started_at')
      .execute();
    console.log('live attended transfer, call logs:', logs);
    expect(logs.find((l) => l.call_id === firstCall)?.disposition).toBeTruthy();
  });

  it('signing out unregisters the webphone: Asterisk sees 1002-web offline', async () => {
    expect(await endpointState('1002-web')).toBe('online');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    await eventually(async () => (await endpointState('1002-web')) === 'offline', 5000, '1002-web offline');
  });
});
