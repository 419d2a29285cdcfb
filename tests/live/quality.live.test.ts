import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { parseRtcpAll, RTCP_ALL_AUDIO } from '../../controller/features/quality/rtcp-report.js';

/**
 * Call quality on a real Asterisk 22: two baresip phones on loopback talk for 8 s (G.711, a perfect link); the
 * controller samples every leg's `CHANNEL(rtcp,all,audio)` each second and stores MOS ≈ 4.4 on the call log.
 */
describeLive('live: call quality from RTCP on a real Asterisk', () => {
  let pbx: LivePbx;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};

  beforeAll(async () => {
    pbx = await startLivePbx({ QUALITY_SAMPLE_SECONDS: 1 });
    for (const ext of ['1001', '1002']) users[ext] = await pbx.createUser(ext);
    phones['1001'] = await pbx.phone('1001', users['1001']!.sipPassword, 440);
    phones['1002'] = await pbx.phone('1002', users['1002']!.sipPassword, 1000);
  }, 60_000);

  afterAll(async () => pbx?.close());

  it('a loopback call between two phones is stored with MOS ≈ 4.4 on each leg', async () => {
    const [caller, callee] = [phones['1001']!, phones['1002']!];
    await caller.dial(`sip:1002@${live.sipAddress}`);
    await callee.waitFor('CALL_ESTABLISHED', 10_000);
    await caller.waitFor('CALL_ESTABLISHED', 10_000);
    const answered = await eventually(
      () => pbx.events.find((e) => e.type === 'call.answered'),
      5000,
      'call.answered',
    );
    const view = answered.data as { id: string; channels: { id: string; state: string; endpoint: string }[] };
    await sleep(8000);
    // What Asterisk itself answers mid-call (the text the sampler parses).
    const raw = await Promise.all(
      view.channels
        .filter((c) => c.state === 'up')
        .map(async (c) => ({
          endpoint: c.endpoint,
          read: await pbx.connection.pbx.getVariable(c.id, RTCP_ALL_AUDIO),
        })),
    );
    console.log('CHANNEL(rtcp,all,audio) after 8 s:', JSON.stringify(raw));
    for (const r of raw) expect(r.read.ok && parseRtcpAll(r.read.value)).toBeTruthy();
    const liveView = (await pbx.admin.get(`/api/calls/${view.id}`)).json();
    console.log('live quality:', JSON.stringify(liveView.quality));
    await caller.hangup();
    await callee.waitFor('CALL_CLOSED', 10_000);

    const log = await eventually(
      async () => {
        const page = (await pbx.admin.get('/api/call-logs')).json();
        const found = page.items.find((l: { callId: string }) => l.callId === view.id);
        return found?.quality ? found : undefined;
      },
      5000,
      'the call log with its quality',
    );
    console.log('stored quality:', JSON.stringify(log.quality));
    expect(log.quality.legs).toHaveLength(2);
    for (const leg of log.quality.legs as {
      samples: number;
      lossPct: number;
      mos: { min: number; avg: number };
    }[]) {
      expect(leg.samples).toBeGreaterThanOrEqual(5);
      expect(leg.lossPct).toBeLessThan(1);
      expect(leg.mos.avg).toBeGreaterThan(4.3);
      expect(leg.mos.avg).toBeLessThanOrEqual(4.42);
    }
    expect(pbx.events.filter((e) => e.type === 'call.quality-poor')).toEqual([]);
  });
});
