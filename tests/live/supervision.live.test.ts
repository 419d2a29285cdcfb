import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BaresipPhone } from './baresip.js';
import { Hearing, HEARD_DB, SILENT_DB, type Window } from './hearing.js';
import {
  describeLive,
  establishedAt,
  live,
  sleep,
  startLivePbx,
  type LivePbx,
  type LiveUser,
} from './live-env.js';
import { readWav, toneSnrDb } from './tone-meter.js';

/**
 * Supervision on a real Asterisk (issue 10), three phones each sending its own tone: the customer 1002 talks to the
 * agent 1003 (team A); the supervisor 1005 (team A) dials *2221003 and switches with 4/5/6 through every pair of
 * modes. What each phone recorded proves who heard whom in each mode and that no switch leaked the supervisor to
 * the customer; 1004 (an agent) is refused and hears nothing of the call.
 */
const tones = { customer: 1000, agent: 1400, supervisor: 1800 } as const;
const ext = { customer: '1002', agent: '1003', refused: '1004', supervisor: '1005' } as const;
type Mode = 'monitor' | 'whisper' | 'barge';
const DIGIT: Record<Mode, string> = { monitor: '4', whisper: '5', barge: '6' };

describeLive('live: monitor, whisper and barge on a real Asterisk', () => {
  let pbx: LivePbx;
  const users: Record<string, LiveUser> = {};
  const phones: Record<keyof typeof ext, BaresipPhone> = {} as never;

  beforeAll(async () => {
    pbx = await startLivePbx();
    const team = await pbx.admin.post('/api/teams', { name: 'Team A' });
    expect(team.statusCode).toBe(201);
    const teamId = team.json<{ id: string }>().id;
    users.customer = await pbx.createUser(ext.customer);
    users.agent = await pbx.createUser(ext.agent, 'agent', teamId);
    users.refused = await pbx.createUser(ext.refused, 'agent', teamId);
    users.supervisor = await pbx.createUser(ext.supervisor, 'supervisor', teamId);
    phones.customer = await pbx.phone(ext.customer, users.customer!.sipPassword, tones.customer);
    phones.agent = await pbx.phone(ext.agent, users.agent!.sipPassword, tones.agent);
    phones.refused = await pbx.phone(ext.refused, users.refused!.sipPassword, 600);
    phones.supervisor = await pbx.phone(ext.supervisor, users.supervisor!.sipPassword, tones.supervisor);
  }, 90_000);

  afterAll(async () => pbx?.close());

  const eventAfter: LivePbx['eventAfter'] = (...args) => pbx.eventAfter(...args);
  const toneSet = tones as unknown as Record<string, number>;

  /** 1002 calls 1003; both talking. */
  async function talking() {
    Object.values(phones).forEach((p) => p.clearEvents());
    await phones.customer.dial(`sip:${ext.agent}@${live.sipAddress}`);
    const [customerUp, agentUp] = await Promise.all([
      establishedAt(phones.customer),
      establishedAt(phones.agent),
    ]);
    return { customer: new Hearing(phones.customer, customerUp), agent: new Hearing(phones.agent, agentUp) };
  }

  async function hangUpCall() {
    await phones.customer.hangup();
    await phones.agent.waitFor('CALL_CLOSED', 10_000);
    await pbx.idle();
  }

  it('each mode and every switch between them: who hears whom, measured; no switch leaks the supervisor to the customer; no gap for the supervisor', async () => {
    const call = await talking();
    await sleep(500);
    const from = pbx.events.length;
    await phones.supervisor.dial(`sip:*222${ext.agent}@${live.sipAddress}`);
    const supUp = await establishedAt(phones.supervisor);
    // Published when the supervisor first hears the call (the snoops and the bridge are up).
    await eventAfter(from, 'supervision.started');
    await sleep(800);

    // Monitor first, then every transition: M→W→B→M→B→W→M.
    const sequence: Mode[] = ['whisper', 'barge', 'monitor', 'barge', 'whisper', 'monitor'];
    const phases: { mode: Mode; window: Window }[] = [];
    const switches: { from: Mode; to: Mode; at: number }[] = [];
    let mode: Mode = 'monitor';
    let phaseStart = Date.now();
    for (const next of sequence) {
      await sleep(2500);
      const mark = pbx.events.length;
      const asked = Date.now();
      phases.push({ mode, window: { from: phaseStart, to: asked } });
      await phones.supervisor.sendDtmf(DIGIT[next]);
      await eventAfter(mark, 'supervision.changed', (d) => d.mode === next);
      switches.push({ from: mode, to: next, at: asked });
      mode = next;
      phaseStart = Date.now();
    }
    await sleep(2500);
    phases.push({ mode, window: { from: phaseStart, to: Date.now() } });

    const mark = pbx.events.length;
    await phones.supervisor.sendDtmf('#');
    await eventAfter(mark, 'supervision.ended');
    await phones.supervisor.waitFor('CALL_CLOSED', 10_000);
    await sleep(1000);
    const afterEnd = { from: Date.now(), to: Date.now() + 2000 };
    await sleep(2000);
    await hangUpCall();
    await sleep(500);

    const supervisor = new Hearing(phones.supervisor, supUp);
    const rows = phases.map(({ mode, window }) => ({
      mode,
      supervisor: supervisor.tones(window, toneSet),
      agent: call.agent.tones(window, toneSet),
      customer: call.customer.tones(window, toneSet),
    }));
    console.log('live supervision, tone SNR in dB per phase (what each phone heard):');
    for (const row of rows) console.log(JSON.stringify(row));

    for (const { mode, supervisor: s, agent: a, customer: c } of rows) {
      // The supervisor hears both parties in every mode.
      expect(s.customer, `${mode}: supervisor hears the customer`).toBeGreaterThan(HEARD_DB);
      expect(s.agent, `${mode}: supervisor hears the agent`).toBeGreaterThan(HEARD_DB);
      // The two parties always hear each other.
      expect(a.customer, `${mode}: agent hears the customer`).toBeGreaterThan(HEARD_DB);
      expect(c.agent, `${mode}: customer hears the agent`).toBeGreaterThan(HEARD_DB);
      // Who hears the supervisor: nobody (monitor), the agent only (whisper), both (barge).
      if (mode === 'monitor')
        expect(a.supervisor, 'monitor: agent does not hear the supervisor').toBeLessThan(SILENT_DB);
      else expect(a.supervisor, `${mode}: agent hears the supervisor`).toBeGreaterThan(HEARD_DB);
      if (mode === 'barge')
        expect(c.supervisor, 'barge: customer hears the supervisor').toBeGreaterThan(HEARD_DB);
      else expect(c.supervisor, `${mode}: customer does not hear the supervisor`).toBeLessThan(SILENT_DB);
    }

    // Around every switch that has no barge on either side, the customer hears nothing of the supervisor, in
    // 100 ms blocks; and the supervisor hears the customer in every 100 ms block around every switch.
    const blocks = (phone: BaresipPhone, upAt: number, around: number, hz: number) => {
      const wav = readWav(phone.recordings().at(-1)!);
      const size = Math.round(wav.sampleRate / 10);
      const centre = Math.round(((around - upAt) / 1000) * wav.sampleRate);
      const values: number[] = [];
      for (let start = centre - 6 * size; start + size <= centre + 12 * size; start += size) {
        if (start < 0 || start + size > wav.samples.length) continue;
        values.push(toneSnrDb(wav.samples.subarray(start, start + size), wav.sampleRate, hz));
      }
      return values;
    };
    const switchFigures = switches.map((s) => {
      const leak = Math.max(...blocks(phones.customer, call.customer.establishedAt, s.at, tones.supervisor));
      const gap = Math.min(...blocks(phones.supervisor, supUp, s.at, tones.customer));
      return {
        switch: `${s.from}→${s.to}`,
        customerHearsSupervisorMaxDb: +leak.toFixed(1),
        supervisorHearsCustomerMinDb: +gap.toFixed(1),
      };
    });
    console.log('live supervision, around each switch (100 ms blocks, -0.6 s … +1.2 s):', switchFigures);
    for (const [i, s] of switches.entries()) {
      if (s.from !== 'barge' && s.to !== 'barge') {
        expect(switchFigures[i]!.customerHearsSupervisorMaxDb, `${s.from}→${s.to}: no leak`).toBeLessThan(
          SILENT_DB,
        );
      }
      expect(switchFigures[i]!.supervisorHearsCustomerMinDb, `${s.from}→${s.to}: no gap`).toBeGreaterThan(
        HEARD_DB,
      );
    }

    // After the session: the call goes on, nobody hears the supervisor any more.
    const after = {
      agent: call.agent.tones(afterEnd, toneSet),
      customer: call.customer.tones(afterEnd, toneSet),
    };
    console.log('live supervision, after # (the call goes on):', after);
    expect(after.agent.customer).toBeGreaterThan(30);
    expect(after.customer.agent).toBeGreaterThan(30);
  });

  it('an agent dialling *2221003 is refused with a prompt, the call ends, and it heard nothing of the call', async () => {
    const call = await talking();
    await sleep(500);
    phones.refused.clearEvents();
    await phones.refused.dial(`sip:*222${ext.agent}@${live.sipAddress}`);
    const up = await establishedAt(phones.refused);
    await phones.refused.waitFor('CALL_CLOSED', 15_000);
    const closedAt = Date.now();
    await sleep(1000);
    await hangUpCall();
    await sleep(500);
    const heard = new Hearing(phones.refused, up).tones({ from: up, to: closedAt }, toneSet, 0);
    console.log(
      `live supervision refused: the call ended ${closedAt - up} ms after answer; 1004 heard (dB):`,
      heard,
    );
    // What it heard was the refusal prompt: speech has a little energy at every frequency (measured −42 to −49 dB at
    // these tones), so "nothing of the call" is 10 dB short of the bare-silence bound and far from a mix (≈ 0 dB).
    expect(heard.customer).toBeLessThan(SILENT_DB + 10);
    expect(heard.agent).toBeLessThan(SILENT_DB + 10);
    expect(call.customer.tones({ from: up, to: closedAt }, toneSet).agent).toBeGreaterThan(30);
  });
});
