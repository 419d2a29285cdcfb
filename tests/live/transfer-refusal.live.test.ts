import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { startSipTrace, type SipMessage } from './sip-trace.js';

/**
 * A blind transfer to an occupied slot (issue 16): the transferer's phone must get a proper final NOTIFY — a 4xx-6xx
 * sipfrag with `Subscription-State: terminated` — every time. Before, it got none while the call went on, and then,
 * when Asterisk tore the REFER subscription down with the call, `503 Service Unavailable` or a `SIP/2.0 0 Default
 * status message` sipfrag. Read from Asterisk's own SIP log. baresip hangs up its call on that NOTIFY: the
 * transferee is not lost, the transferer's phone is rung back.
 */
const RUNS = Number(process.env.LIVE_REFUSAL_RUNS ?? 10);
const tones = { '1001': 440, '1002': 1000, '1003': 1400 } as const;

describeLive('live: a blind transfer to an occupied slot is refused with a final NOTIFY', () => {
  let pbx: LivePbx;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};

  beforeAll(async () => {
    pbx = await startLivePbx();
    for (const ext of ['1001', '1002', '1003']) users[ext] = await pbx.createUser(ext);
    for (const ext of ['1001', '1002', '1003'] as const)
      phones[ext] = await pbx.phone(ext, users[ext]!.sipPassword, tones[ext]);
  }, 60_000);

  afterAll(async () => pbx?.close());

  const eventAfter = (type: string, since: number, match: (e: AnyPbxEvent) => boolean = () => true) =>
    eventually(() => pbx.events.slice(since).find((e) => e.type === type && match(e)), 10_000, type);
  const clearAll = () => Object.values(phones).forEach((phone) => phone.clearEvents());

  it(
    `${RUNS} of ${RUNS} refusals give the transferer a final 4xx-6xx NOTIFY, and its phone is rung back`,
    async () => {
      // 1001 parked on 701 by 1002.
      clearAll();
      let since = pbx.events.length;
      await phones['1001']!.dial(`sip:1002@${live.sipAddress}`);
      await phones['1002']!.waitFor('CALL_ESTABLISHED');
      await eventAfter('call.answered', since);
      await phones['1002']!.transfer(`sip:701@${live.sipAddress}`);
      await eventAfter('call.parked', since);
      await phones['1002']!.waitFor('CALL_CLOSED');

      const results: {
        sipfrag: string;
        state: string;
        afterReferMs: number;
        phoneHungUpAfterMs: number;
        rungBack: boolean;
      }[] = [];
      for (let run = 0; run < RUNS; run++) {
        clearAll();
        since = pbx.events.length;
        await phones['1003']!.dial(`sip:1002@${live.sipAddress}`);
        await phones['1002']!.waitFor('CALL_ESTABLISHED');
        await eventAfter('call.answered', since);
        await sleep(500);
        const trace = await startSipTrace();
        let messages: SipMessage[] = [];
        try {
          phones['1002']!.clearEvents();
          const sinceTransfer = pbx.events.length;
          await phones['1002']!.transfer(`sip:701@${live.sipAddress}`);
          // The prompt plays, the NOTIFY goes out, baresip hangs up; the ring-back rings 1002, which auto-answers.
          const ringBack = eventAfter(
            'call.answered',
            sinceTransfer,
            (e) => (e.data as { from: { number: string } }).from.number === '1003',
          );
          await ringBack;
          messages = await trace.stop();
        } finally {
          if (messages.length === 0) await trace.stop().catch(() => undefined);
        }
        const port = phones['1002']!.options.sipPort;
        const refer = messages.find(
          (m) => m.direction === 'in' && m.peerPort === port && m.method === 'REFER',
        );
        const notifies = messages.filter(
          (m) => m.direction === 'out' && m.peerPort === port && m.method === 'NOTIFY',
        );
        const final = notifies.find((m) => /terminated/.test(m.headers['subscription-state']?.[0] ?? ''));
        const byeFromPhone = messages.find(
          (m) =>
            m.direction === 'in' && m.peerPort === port && m.method === 'BYE' && m.callId === refer?.callId,
        );
        results.push({
          sipfrag: final?.body.trim() ?? '(no final NOTIFY)',
          state: final?.headers['subscription-state']?.[0] ?? '',
          afterReferMs: final && refer ? Math.round(final.at - refer.at) : -1,
          phoneHungUpAfterMs: byeFromPhone && final ? Math.round(byeFromPhone.at - final.at) : -1,
          // The transferee's call never dropped: it waited for the ring-back in its call.
          rungBack: !phones['1003']!.events.some((e) => e.type === 'CALL_CLOSED'),
        });
        await phones['1003']!.hangup();
        await phones['1002']!.waitFor('CALL_CLOSED', 10_000).catch(() => undefined);
        await sleep(500);
      }
      console.log('live refused transfers to the occupied slot 701:', results);
      const proper = results.filter(
        (r) => /^SIP\/2\.0 [4-6]\d\d /.test(r.sipfrag) && /^terminated/.test(r.state),
      );
      console.log(`live: ${proper.length}/${RUNS} final NOTIFYs with a 4xx-6xx sipfrag, terminated`);
      expect(proper).toHaveLength(RUNS);
      expect(results.filter((r) => r.rungBack)).toHaveLength(RUNS);
      await phones['1001']!.hangup();
    },
    30_000 + RUNS * 15_000,
  );
});
