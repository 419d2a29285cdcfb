import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { readWav, toneSnrDb } from './tone-meter.js';

const tones = { '1001': 440, '1002': 1000, '1003': 1400 } as const;

describeLive('live: extension-to-extension calls on a real Asterisk', () => {
  let pbx: LivePbx;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};

  beforeAll(async () => {
    pbx = await startLivePbx();
    for (const ext of ['1001', '1002', '1003']) users[ext] = await pbx.createUser(ext);
    phones['1001'] = await pbx.phone('1001', users['1001']!.sipPassword, tones['1001']);
    phones['1002'] = await pbx.phone('1002', users['1002']!.sipPassword, tones['1002']);
  }, 60_000);

  afterAll(async () => pbx?.close());

  const callLog = (callId: string) =>
    pbx.database.db.selectFrom('call_logs').selectAll().where('call_id', '=', callId).executeTakeFirst();

  it('1001 calls 1002: both hear each other, and hanging up ends both', async () => {
    const [caller, callee] = [phones['1001']!, phones['1002']!];
    caller.clearEvents();
    callee.clearEvents();
    await caller.dial(`sip:1002@${live.sipAddress}`);
    await callee.waitFor('CALL_ESTABLISHED', 10_000);
    await caller.waitFor('CALL_ESTABLISHED', 10_000);
    const answered = await eventually(
      () => pbx.events.find((e) => e.type === 'call.answered'),
      5000,
      'call.answered',
    );
    await sleep(3000);
    await caller.hangup();
    await callee.waitFor('CALL_CLOSED', 10_000);
    await caller.waitFor('CALL_CLOSED', 10_000);

    const callId = (answered.data as { id: string }).id;
    const log = await eventually(
      async () => {
        const row = await callLog(callId);
        return row?.ended_at ? row : undefined;
      },
      5000,
      'call log closed',
    );
    expect(log).toMatchObject({
      from_number: '1001',
      to_number: '1002',
      answered_by_extension: '1002',
      disposition: 'answered',
    });

    await sleep(500); // the WAV files are closed when the call ends
    const heardByCaller = readWav(caller.recordings().at(-1)!);
    const heardByCallee = readWav(callee.recordings().at(-1)!);
    const snr = {
      callerHearsCallee: toneSnrDb(heardByCaller.samples, heardByCaller.sampleRate, tones['1002']),
      calleeHearsCaller: toneSnrDb(heardByCallee.samples, heardByCallee.sampleRate, tones['1001']),
    };
    console.log('live call 1001 <-> 1002, tone SNR in dB:', snr);
    expect(snr.callerHearsCallee).toBeGreaterThan(30);
    expect(snr.calleeHearsCaller).toBeGreaterThan(30);
  });

  it('an unknown number is refused with 404 and an unregistered extension with 480', async () => {
    const caller = phones['1001']!;
    caller.clearEvents();
    await caller.dial(`sip:4999@${live.sipAddress}`);
    const unknown = await caller.waitFor('CALL_CLOSED', 10_000);
    expect(String(unknown.param)).toMatch(/404/);

    caller.clearEvents();
    await caller.dial(`sip:1003@${live.sipAddress}`); // 1003 exists but has no registered phone
    const unregistered = await caller.waitFor('CALL_CLOSED', 10_000);
    expect(String(unregistered.param)).toMatch(/480/);
  });

  it('a callee that rejects gives the caller 486 Busy Here', async () => {
    const callee = await pbx.phone('1003', users['1003']!.sipPassword, tones['1003'], 'manual');
    const caller = phones['1001']!;
    caller.clearEvents();
    callee.clearEvents();
    await caller.dial(`sip:1003@${live.sipAddress}`);
    await callee.waitFor('CALL_INCOMING', 10_000);
    await callee.hangup();
    const closed = await caller.waitFor('CALL_CLOSED', 10_000);
    expect(String(closed.param)).toMatch(/486/);
  });
});
