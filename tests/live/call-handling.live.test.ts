import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { startSipTrace, type SipMessage } from './sip-trace.js';
import { readWav, toneSnrDb } from './tone-meter.js';

/**
 * Personal call handling (issue 12) on a real Asterisk with baresip phones: simultaneous ringing of a desk phone and an
 * owned device (the loser stops within 1 s, cancelled with `Reason: SIP;cause=200;text="Call completed elsewhere"`,
 * audio both ways measured), sequential ringing moving on after the timeout, `*78`/`*79` DND, `*72<ext>`/`*73`
 * forwarding and `**<ext>` pick-up. Written to run with `npm run test:live` (skips without ARI_URL).
 */
const tones = { '3001': 440, '3002': 1000, mobile: 1400, '3003': 1800 } as const;
const MOBILE = 'mobile-3002';

describeLive('live: personal call handling on a real Asterisk', () => {
  let pbx: LivePbx;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};
  const mobilePassword = `live-mobile-${Date.now()}`;

  beforeAll(async () => {
    pbx = await startLivePbx({ DIAL_TIMEOUT_SECONDS: 20 });
    for (const ext of ['3001', '3002', '3003']) users[ext] = await pbx.createUser(ext);
    const team = await pbx.admin.post('/api/teams', { name: `Live handling ${Date.now()}` });
    for (const ext of ['3002', '3003'])
      await pbx.admin.patch(`/api/users/${users[ext]!.id}`, { teamId: team.json<{ id: string }>().id });
    const device = await pbx.admin.post('/api/devices', {
      id: MOBILE,
      name: 'Mobile of 3002',
      ownerUserId: users['3002']!.id,
      sipPassword: mobilePassword,
    });
    expect(device.statusCode, device.body).toBe(201);
    phones['3001'] = await pbx.phone('3001', users['3001']!.sipPassword, tones['3001']);
    phones['3002'] = await pbx.phone('3002', users['3002']!.sipPassword, tones['3002'], 'manual');
    phones[MOBILE] = await pbx.phone(MOBILE, mobilePassword, tones.mobile, 'manual');
    phones['3003'] = await pbx.phone('3003', users['3003']!.sipPassword, tones['3003'], 'manual');
  }, 90_000);

  afterAll(async () => pbx?.close());

  const ringSettings = (body: object) => pbx.admin.put(`/api/users/${users['3002']!.id}/ring-settings`, body);
  const clear = (...list: BaresipPhone[]) => list.forEach((p) => p.clearEvents());
  const dial3002 = () => phones['3001']!.dial(`sip:3002@${live.sipAddress}`);

  it('simultaneous: desk and mobile both ring, the mobile answers, the desk stops within 1 s; audio both ways', async () => {
    expect(
      (
        await ringSettings({
          strategy: 'simultaneous',
          targets: [
            { kind: 'desk', delaySeconds: 0, timeoutSeconds: 20 },
            { kind: 'device', deviceId: MOBILE, delaySeconds: 0, timeoutSeconds: 20 },
          ],
        })
      ).statusCode,
    ).toBe(200);
    const [caller, desk, mobile] = [phones['3001']!, phones['3002']!, phones[MOBILE]!];
    clear(caller, desk, mobile);
    const trace = await startSipTrace();
    await dial3002();
    await Promise.all([desk.waitFor('CALL_INCOMING', 10_000), mobile.waitFor('CALL_INCOMING', 10_000)]);
    await mobile.accept();
    const answeredAt = Date.now();
    await desk.waitFor('CALL_CLOSED', 5000);
    const deskStoppedMs = Date.now() - answeredAt;
    await caller.waitFor('CALL_ESTABLISHED', 10_000);
    await sleep(3000);
    await caller.hangup();
    await mobile.waitFor('CALL_CLOSED', 10_000);
    const messages = await trace.stop();
    console.log(`live simultaneous ring: the desk stopped ${deskStoppedMs} ms after the mobile answered`);
    expect(deskStoppedMs).toBeLessThan(1000);
    const cancel = messages.find((m: SipMessage) => m.direction === 'out' && m.method === 'CANCEL');
    expect(cancel?.headers.reason?.join(' ')).toContain('SIP;cause=200;text="Call completed elsewhere"');
    const answered = pbx.events.filter((e) => e.type === 'call.answered').at(-1)!;
    expect((answered.data as { device: { endpoint: string } }).device.endpoint).toBe(`PJSIP/${MOBILE}`);

    await sleep(500);
    const heardByCaller = readWav(caller.recordings().at(-1)!);
    const heardByMobile = readWav(mobile.recordings().at(-1)!);
    const snr = {
      callerHearsMobile: toneSnrDb(heardByCaller.samples, heardByCaller.sampleRate, tones.mobile),
      mobileHearsCaller: toneSnrDb(heardByMobile.samples, heardByMobile.sampleRate, tones['3001']),
    };
    console.log('live simultaneous ring 3001 <-> mobile, tone SNR in dB:', snr);
    expect(snr.callerHearsMobile).toBeGreaterThan(30);
    expect(snr.mobileHearsCaller).toBeGreaterThan(30);
  });

  it('sequential: the desk rings for its timeout, then stops, then the mobile rings', async () => {
    expect(
      (
        await ringSettings({
          strategy: 'sequential',
          targets: [
            { kind: 'desk', delaySeconds: 0, timeoutSeconds: 3 },
            { kind: 'device', deviceId: MOBILE, delaySeconds: 0, timeoutSeconds: 10 },
          ],
        })
      ).statusCode,
    ).toBe(200);
    const [caller, desk, mobile] = [phones['3001']!, phones['3002']!, phones[MOBILE]!];
    clear(caller, desk, mobile);
    const started = Date.now();
    await dial3002();
    await desk.waitFor('CALL_INCOMING', 10_000);
    expect(mobile.events.some((e) => e.type === 'CALL_INCOMING')).toBe(false);
    await desk.waitFor('CALL_CLOSED', 10_000);
    await mobile.waitFor('CALL_INCOMING', 10_000);
    const movedOnMs = Date.now() - started;
    console.log(`live sequential ring: the mobile rang ${movedOnMs} ms after the dial (desk timeout 3 s)`);
    expect(movedOnMs).toBeGreaterThan(2500);
    expect(movedOnMs).toBeLessThan(5000);
    await caller.hangup();
    await mobile.waitFor('CALL_CLOSED', 10_000);
    await ringSettings({ strategy: 'simultaneous', targets: [] });
  });

  it('*78: callers get busy without the phone ringing; *79 restores it', async () => {
    const [caller, desk, mobile] = [phones['3001']!, phones['3002']!, phones[MOBILE]!];
    clear(desk);
    await desk.dial(`sip:*78@${live.sipAddress}`);
    await desk.waitFor('CALL_CLOSED', 15_000); // answered, "do not disturb activated", hung up
    clear(caller, desk, mobile);
    await dial3002();
    const busy = await caller.waitFor('CALL_CLOSED', 10_000);
    expect(String(busy.param)).toMatch(/486/);
    expect(desk.events.some((e) => e.type === 'CALL_INCOMING')).toBe(false);
    expect(mobile.events.some((e) => e.type === 'CALL_INCOMING')).toBe(false);

    clear(desk);
    await desk.dial(`sip:*79@${live.sipAddress}`);
    await desk.waitFor('CALL_CLOSED', 15_000);
    clear(caller, desk);
    await dial3002();
    await desk.waitFor('CALL_INCOMING', 10_000);
    await caller.hangup();
    await desk.waitFor('CALL_CLOSED', 10_000);
  });

  it('*72<ext> forwards to that extension, *73 stops it', async () => {
    const [caller, desk, other] = [phones['3001']!, phones['3002']!, phones['3003']!];
    clear(desk);
    await desk.dial(`sip:*723003@${live.sipAddress}`);
    await desk.waitFor('CALL_CLOSED', 15_000);
    clear(caller, desk, other);
    await dial3002();
    await other.waitFor('CALL_INCOMING', 10_000);
    expect(desk.events.some((e) => e.type === 'CALL_INCOMING')).toBe(false);
    await caller.hangup();
    await other.waitFor('CALL_CLOSED', 10_000);

    clear(desk);
    await desk.dial(`sip:*73@${live.sipAddress}`);
    await desk.waitFor('CALL_CLOSED', 15_000);
    clear(caller, desk, other);
    await dial3002();
    await desk.waitFor('CALL_INCOMING', 10_000);
    expect(other.events.some((e) => e.type === 'CALL_INCOMING')).toBe(false);
    await caller.hangup();
    await desk.waitFor('CALL_CLOSED', 10_000);
  });

  it('**<ext> from a phone of the same team picks up the ringing call; the rung devices stop', async () => {
    const [caller, desk, mobile, picker] = [
      phones['3001']!,
      phones['3002']!,
      phones[MOBILE]!,
      phones['3003']!,
    ];
    clear(caller, desk, mobile, picker);
    await dial3002();
    await desk.waitFor('CALL_INCOMING', 10_000);
    await picker.dial(`sip:**3002@${live.sipAddress}`);
    await picker.waitFor('CALL_ESTABLISHED', 10_000);
    await caller.waitFor('CALL_ESTABLISHED', 10_000);
    await desk.waitFor('CALL_CLOSED', 2000);
    await mobile.waitFor('CALL_CLOSED', 2000);
    const answered = await eventually(
      () =>
        pbx.events
          .filter((e) => e.type === 'call.answered')
          .find((e) => (e.data as { answeredBy?: { extension: string } }).answeredBy?.extension === '3003'),
      5000,
      'call.answered by 3003',
    );
    expect(answered).toBeTruthy();
    await sleep(2000);
    await caller.hangup();
    await picker.waitFor('CALL_CLOSED', 10_000);
    await sleep(500);
    const heard = readWav(picker.recordings().at(-1)!);
    expect(toneSnrDb(heard.samples, heard.sampleRate, tones['3001'])).toBeGreaterThan(30);
  });
});
