import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PbxFact } from '../../controller/ari/pbx.facts.js';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { findPrompts } from './prompt-recognizer.js';
import { readWav, toneSnrDb } from './tone-meter.js';

/**
 * Hot desking on a real Asterisk (issue 11): a baresip phone registered as a device marked hot desk dials `*11`,
 * types the extension and the PIN as RFC 4733 DTMF after each prompt, and is then rung for that extension — both
 * ways heard, measured with tones; `*12` stops it ringing; a wrong PIN leaves it a guest.
 */
const tones = { desk: 1000, caller: 440 } as const;
const PIN = '2468';
const DESK = 'hotdesk1';

describeLive('live: hot desking on a real Asterisk', () => {
  let pbx: LivePbx;
  let owner: LiveUser;
  let desk: BaresipPhone;
  let caller: BaresipPhone;
  const facts: PbxFact[] = [];

  beforeAll(async () => {
    pbx = await startLivePbx({ HOTDESK_IDLE_MINUTES: 0 });
    pbx.connection.onFact((fact) => void facts.push(fact));
    owner = await pbx.createUser('1001');
    const callerUser = await pbx.createUser('1002');
    const pin = await pbx.admin.patch(`/api/users/${owner.id}`, { pin: PIN });
    expect(pin.statusCode, pin.body).toBe(200);
    const sipPassword = `desk-${Math.random().toString(36).slice(2, 12)}`;
    const device = await pbx.admin.post('/api/devices', {
      id: DESK,
      name: 'Hot desk 1',
      hotdesk: true,
      sipPassword,
    });
    expect(device.statusCode, device.body).toBe(201);
    desk = await pbx.phone(DESK, sipPassword, tones.desk, 'manual');
    caller = await pbx.phone('1002', callerUser.sipPassword, tones.caller);
  }, 60_000);

  afterAll(async () => pbx?.close());

  /** Resolves when a prompt with this media starts on Asterisk (so the digits that follow are for it). */
  const promptStarted = (media: string, since: number) =>
    eventually(
      () => facts.slice(since).find((f) => f.kind === 'playback-started' && f.mediaUri === media),
      10_000,
      `${media} playing`,
    );

  /** `*11` with the extension and PIN typed after their prompts; resolves once Asterisk has hung up. */
  async function dialLogin(pin: string): Promise<string> {
    desk.clearEvents();
    const since = facts.length;
    await desk.dial(`sip:*11@${live.sipAddress}`);
    await desk.waitFor('CALL_ESTABLISHED', 10_000);
    await promptStarted('sound:extension', since);
    await sleep(300);
    await desk.sendDtmf(`${owner.extension}#`);
    await promptStarted('sound:vm-password', since);
    await sleep(300);
    await desk.sendDtmf(`${pin}#`);
    await desk.waitFor('CALL_CLOSED', 20_000);
    await sleep(500); // the WAV file is closed when the call ends
    return desk.recordings().at(-1)!;
  }

  /** 1002 calls 1001; whether the desk rang within a few seconds. */
  async function deskRingsFor1001(): Promise<boolean> {
    desk.clearEvents();
    caller.clearEvents();
    await caller.dial(`sip:1001@${live.sipAddress}`);
    const rang = await desk
      .waitFor('CALL_INCOMING', 4000)
      .then(() => true)
      .catch(() => false);
    if (rang) await desk.hangup();
    await caller.waitFor('CALL_CLOSED', 10_000).catch(() => caller.hangup());
    await sleep(500);
    return rang;
  }

  it('a wrong PIN: "incorrect", and the desk stays a guest (not rung for 1001; outside numbers refused)', async () => {
    const recording = await dialLogin('0000');
    const [incorrect] = findPrompts(recording, ['auth-incorrect']);
    console.log('live hot desk wrong PIN, auth-incorrect heard:', incorrect);
    expect(incorrect?.complete).toBe(true);
    expect((await pbx.admin.get('/api/hotdesk/sessions')).json().items).toEqual([]);
    expect(await deskRingsFor1001()).toBe(false);
    desk.clearEvents();
    await desk.dial(`sip:915551234567@${live.sipAddress}`);
    const refused = await desk.waitFor('CALL_CLOSED', 10_000);
    expect(String(refused.param)).toMatch(/403/);
  });

  it('the right PIN: "thank you"; 1002 calling 1001 rings the desk and both hear each other', async () => {
    const since = pbx.events.length;
    const recording = await dialLogin(PIN);
    const [thanks] = findPrompts(recording, ['auth-thankyou']);
    console.log('live hot desk log-in, auth-thankyou heard:', thanks);
    expect(thanks?.complete).toBe(true);
    const login = await eventually(
      () => pbx.events.slice(since).find((e) => e.type === 'hotdesk.login'),
      5000,
      'hotdesk.login',
    );
    expect(login.data).toMatchObject({ deviceId: DESK, extension: '1001', via: 'phone' });

    desk.clearEvents();
    caller.clearEvents();
    await caller.dial(`sip:1001@${live.sipAddress}`);
    const incoming = await desk.waitFor('CALL_INCOMING', 10_000);
    console.log('live hot desk rung for 1001:', JSON.stringify(incoming));
    await desk.accept();
    await desk.waitFor('CALL_ESTABLISHED', 10_000);
    await caller.waitFor('CALL_ESTABLISHED', 10_000);
    await sleep(3000);
    await caller.hangup();
    await desk.waitFor('CALL_CLOSED', 10_000);
    await sleep(500);
    const heardByDesk = readWav(desk.recordings().at(-1)!);
    const heardByCaller = readWav(caller.recordings().at(-1)!);
    const snr = {
      deskHearsCaller: toneSnrDb(heardByDesk.samples, heardByDesk.sampleRate, tones.caller),
      callerHearsDesk: toneSnrDb(heardByCaller.samples, heardByCaller.sampleRate, tones.desk),
    };
    console.log('live hot desk call 1002 <-> desk as 1001, tone SNR in dB:', snr);
    expect(snr.deskHearsCaller).toBeGreaterThan(30);
    expect(snr.callerHearsDesk).toBeGreaterThan(30);

    // The desk's own endpoint now shows the user.
    const endpoint = await pbx.connection.pbx.getSipObject('endpoint', DESK);
    expect(endpoint.ok && endpoint.value.find((f) => f.attribute === 'callerid')?.value).toContain('<1001>');
  });

  it('*12 logs the desk out: it no longer rings for 1001', async () => {
    const since = pbx.events.length;
    desk.clearEvents();
    await desk.dial(`sip:*12@${live.sipAddress}`);
    await desk.waitFor('CALL_CLOSED', 10_000);
    const logout = await eventually(
      () => pbx.events.slice(since).find((e) => e.type === 'hotdesk.logout'),
      5000,
      'hotdesk.logout',
    );
    expect(logout.data).toMatchObject({ deviceId: DESK, reason: 'user' });
    expect(await deskRingsFor1001()).toBe(false);
  });
});
