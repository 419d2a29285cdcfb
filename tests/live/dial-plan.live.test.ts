import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx } from './live-env.js';
import { startSipTrace, type SipMessage } from './sip-trace.js';

/**
 * Every dialled string gets a final SIP answer within a second (issue 16): before the numbering plan, the strings
 * nobody routed entered Stasis, got 100 Trying and then nothing until the phone gave up (17 s). Read from
 * Asterisk's own SIP log: the phone's INVITE in, the final response out.
 */
const cases: { dialled: string; status: number; what: string }[] = [
  // Feature codes: answered, a prompt (a feature not built yet says it is not available; one that refuses this
  // caller says why), then hung up.
  { dialled: '*78', status: 200, what: 'DND on: answered, a prompt, hung up' },
  { dialled: '*2221002', status: 200, what: 'monitor 1002 (1001 is an agent): answered, a prompt, hung up' },
  { dialled: '**1002', status: 200, what: 'pick up 1002: answered, a prompt, hung up' },
  { dialled: '*11', status: 200, what: 'hot desk log-in: answered, a prompt, hung up' },
  { dialled: '123456', status: 404, what: 'six digits: not in the plan' },
  { dialled: '915551234567', status: 503, what: '9 + number: no trunk carries it' },
  { dialled: '*222', status: 484, what: 'a feature code without its extension: incomplete' },
  { dialled: '4999', status: 404, what: 'an extension nobody has' },
];

describeLive('live: every dialled string gets a final answer within 1 s', () => {
  let pbx: LivePbx;
  let phone: BaresipPhone;

  beforeAll(async () => {
    pbx = await startLivePbx();
    const user = await pbx.createUser('1001');
    await pbx.createUser('1002');
    phone = await pbx.phone('1001', user.sipPassword, 440);
  }, 60_000);

  afterAll(async () => pbx?.close());

  it.each(cases)('$dialled → $status ($what)', async ({ dialled, status }) => {
    phone.clearEvents();
    const trace = await startSipTrace();
    let messages: SipMessage[] = [];
    try {
      await phone.dial(`sip:${dialled}@${live.sipAddress}`);
      const closed = await phone.waitFor('CALL_CLOSED', 10_000);
      await sleep(200);
      messages = await trace.stop();
      const port = phone.options.sipPort;
      // The phone's first INVITE is challenged (401); its authenticated INVITE is the call.
      const invite = messages.find(
        (m) =>
          m.direction === 'in' && m.peerPort === port && m.method === 'INVITE' && m.headers.authorization,
      );
      expect(invite, 'the authenticated INVITE in the SIP log').toBeDefined();
      const final = messages.find(
        (m) =>
          m.direction === 'out' &&
          m.at >= invite!.at &&
          m.callId === invite!.callId &&
          m.cseqMethod === 'INVITE' &&
          (m.status ?? 0) >= 200,
      );
      expect(final, 'a final response to the INVITE').toBeDefined();
      const afterMs = final!.at - invite!.at;
      const bye = messages.find(
        (m) => m.direction === 'out' && m.callId === invite!.callId && m.method === 'BYE',
      );
      console.log(
        `live dial ${dialled}: ${final!.startLine} after ${afterMs.toFixed(1)} ms` +
          (bye ? `, BYE after the prompt at ${(bye.at - invite!.at).toFixed(0)} ms` : '') +
          `; the phone: CALL_CLOSED ${String(closed.param)}`,
      );
      expect(final!.status).toBe(status);
      expect(afterMs).toBeLessThan(1000);
      if (status === 200) expect(bye, 'Asterisk hangs up after the prompt').toBeDefined();
    } finally {
      if (messages.length === 0) await trace.stop().catch(() => undefined);
    }
  });
});
