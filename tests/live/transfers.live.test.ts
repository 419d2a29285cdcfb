import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { Hearing, SILENT_DB } from './hearing.js';
import { readWav, toneSnrDb } from './tone-meter.js';
import {
  describeLive,
  establishedAt,
  live,
  sleep,
  startLivePbx,
  type LivePbx,
  type LiveUser,
} from './live-env.js';
import { startSipTrace, type SipMessage } from './sip-trace.js';
import { SipUa } from './sip-ua.js';

/**
 * A blind transfer between ordinary calls on a real Asterisk 22 with baresip desk phones: 1001 talks to 1002, 1002's
 * phone REFERs 1001 to 1003. 1003 rings showing 1001, 1002's phone gets the final NOTIFY `200` and hangs up, and
 * once 1003 answers 1001 hears 1003's tone and 1003 hears 1001's (1002's no more). baresip 1.0.0's ctrl_tcp has no
 * attended transfer (only `transfer`, a REFER without Replaces): for the attended transfer the transferer is a
 * minimal SIP user agent (`sip-ua.ts`) that sends the REFER with Replaces a desk phone sends.
 */
const tones = { '1001': 440, '1002': 1000, '1003': 1400 } as const;

describeLive('live: a blind transfer to an extension', () => {
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
  const idOf = (e: AnyPbxEvent) => (e.data as { id: string }).id;
  const callLog = (callId: string) =>
    eventually(
      async () => {
        const row = await pbx.database.db
          .selectFrom('call_logs')
          .selectAll()
          .where('call_id', '=', callId)
          .executeTakeFirst();
        return row?.ended_at ? row : undefined;
      },
      5000,
      `call log ${callId} closed`,
    );

  it('1002 transfers 1001 to 1003: NOTIFY 200, 1002 released, 1001 and 1003 hear each other', async () => {
    for (const phone of Object.values(phones)) phone.clearEvents();
    const since = pbx.events.length;
    await phones['1001']!.dial(`sip:1002@${live.sipAddress}`);
    const callerUp = await establishedAt(phones['1001']!);
    await phones['1002']!.waitFor('CALL_ESTABLISHED');
    const first = await eventAfter('call.answered', since);
    await sleep(2500);

    const trace = await startSipTrace();
    let messages: SipMessage[] = [];
    const transferAt = Date.now();
    const sinceTransfer = pbx.events.length;
    try {
      await phones['1002']!.transfer(`sip:1003@${live.sipAddress}`);
      const incoming = await phones['1003']!.waitFor('CALL_ESTABLISHED', 10_000).catch((error: unknown) => {
        console.log('1003 events', phones['1003']!.events, '1002 events', phones['1002']!.events);
        throw error;
      });
      expect(String(incoming.peeruri)).toContain('1001');
      await phones['1002']!.waitFor('CALL_CLOSED', 10_000);
      await eventAfter('call.answered', sinceTransfer, (e) => idOf(e) !== idOf(first));
      messages = await trace.stop();
    } finally {
      if (messages.length === 0) await trace.stop().catch(() => undefined);
    }
    const targetUp = Date.now();
    await sleep(3000);
    const hangupAt = Date.now();
    await phones['1001']!.hangup();
    await phones['1003']!.waitFor('CALL_CLOSED', 10_000);

    // What 1002's phone was told: NOTIFY 100, then the final 200 that ends the REFER subscription.
    const port = phones['1002']!.options.sipPort;
    const refer = messages.find((m) => m.direction === 'in' && m.peerPort === port && m.method === 'REFER');
    const notifies = messages.filter(
      (m) => m.direction === 'out' && m.peerPort === port && m.method === 'NOTIFY',
    );
    const final = notifies.find((m) => /terminated/.test(m.headers['subscription-state']?.[0] ?? ''));
    const bye = messages.find((m) => m.peerPort === port && m.method === 'BYE' && m.callId === refer?.callId);
    console.log('live blind transfer, NOTIFYs to the transferer:', {
      sipfrags: notifies.map((m) => m.body.trim()),
      finalAfterReferMs: final && refer ? Math.round(final.at - refer.at) : -1,
      byeAfterFinalMs: final && bye ? Math.round(bye.at - final.at) : -1,
      byeFrom: bye?.direction === 'in' ? 'phone' : bye ? 'asterisk' : '(none)',
    });
    expect(refer).toBeDefined();
    expect(final?.body.trim()).toMatch(/^SIP\/2\.0 200 /);

    await sleep(500); // the WAV files are closed when the call ends
    const callerHears = new Hearing(phones['1001']!, callerUp);
    const before = callerHears.tones(
      { from: callerUp, to: transferAt },
      { '1002': tones['1002'], '1003': tones['1003'] },
    );
    const after = callerHears.tones(
      { from: targetUp, to: hangupAt },
      { '1002': tones['1002'], '1003': tones['1003'] },
    );
    const targetHears = new Hearing(phones['1003']!, targetUp);
    const target = targetHears.tones(
      { from: targetUp, to: hangupAt },
      { '1001': tones['1001'], '1002': tones['1002'] },
    );
    console.log('live blind transfer, tone SNR in dB:', { callerBefore: before, callerAfter: after, target });
    expect(before['1002']).toBeGreaterThan(30);
    expect(after['1003']).toBeGreaterThan(30);
    expect(after['1002']).toBeLessThan(SILENT_DB);
    expect(target['1001']).toBeGreaterThan(30);
    expect(target['1002']).toBeLessThan(SILENT_DB);

    const firstLog = await callLog(idOf(first));
    const second = pbx.events
      .slice(sinceTransfer)
      .find((e) => e.type === 'call.answered' && idOf(e) !== idOf(first))!;
    const secondLog = await callLog(idOf(second));
    expect(firstLog).toMatchObject({
      from_number: '1001',
      to_number: '1002',
      disposition: 'transferred',
      transferred_by: '1002',
      transferred_to: '1003',
      transfer_kind: 'blind',
      transfer_call_id: idOf(second),
    });
    expect(secondLog).toMatchObject({
      from_number: '1001',
      to_number: '1003',
      answered_by_extension: '1003',
      disposition: 'answered',
      transferred_by: '1002',
      transfer_call_id: idOf(first),
    });
    await pbx.idle();
  }, 60_000);

  it('to a number nobody has: NOTIFY 603, 1001 is not lost (1002 is rung back)', async () => {
    for (const phone of Object.values(phones)) phone.clearEvents();
    const since = pbx.events.length;
    await phones['1001']!.dial(`sip:1002@${live.sipAddress}`);
    await phones['1002']!.waitFor('CALL_ESTABLISHED');
    const first = await eventAfter('call.answered', since);
    await sleep(500);
    const trace = await startSipTrace();
    let messages: SipMessage[] = [];
    try {
      phones['1002']!.clearEvents();
      const sinceTransfer = pbx.events.length;
      await phones['1002']!.transfer(`sip:4999@${live.sipAddress}`);
      // baresip hangs up on the failure NOTIFY; the ring-back rings 1002, which auto-answers.
      await eventAfter('call.answered', sinceTransfer, (e) => idOf(e) !== idOf(first));
      messages = await trace.stop();
    } finally {
      if (messages.length === 0) await trace.stop().catch(() => undefined);
    }
    const port = phones['1002']!.options.sipPort;
    const final = messages.find(
      (m) =>
        m.direction === 'out' &&
        m.peerPort === port &&
        m.method === 'NOTIFY' &&
        /terminated/.test(m.headers['subscription-state']?.[0] ?? ''),
    );
    console.log('live refused blind transfer, final NOTIFY:', final?.body.trim());
    expect(final?.body.trim()).toMatch(/^SIP\/2\.0 [4-6]\d\d /);
    expect(phones['1001']!.events.some((e) => e.type === 'CALL_CLOSED')).toBe(false);
    await phones['1001']!.hangup();
    await phones['1002']!.waitFor('CALL_CLOSED', 10_000).catch(() => undefined);
    await pbx.idle();
  }, 60_000);
});

describeLive('live: an attended transfer (the transferer a SIP UA sending REFER with Replaces)', () => {
  let pbx: LivePbx;
  let ua: SipUa;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};
  const hz = { '2001': 440, '2003': 1400, '2004': 1800 } as const;

  beforeAll(async () => {
    pbx = await startLivePbx();
    for (const ext of ['2001', '2002', '2003', '2004']) users[ext] = await pbx.createUser(ext);
    phones['2001'] = await pbx.phone('2001', users['2001']!.sipPassword, hz['2001']);
    phones['2003'] = await pbx.phone('2003', users['2003']!.sipPassword, hz['2003']);
    phones['2004'] = await pbx.phone('2004', users['2004']!.sipPassword, hz['2004'], 'manual');
    await eventually(
      async () => (await pbx.connection.pbx.getEndpoint('PJSIP', '2002')).ok,
      5000,
      'endpoint 2002',
    );
    ua = await SipUa.start({
      user: '2002',
      password: users['2002']!.sipPassword,
      server: live.sipAddress,
      localPort: 27_000 + Math.floor(Math.random() * 500) * 4,
    });
  }, 60_000);

  afterAll(async () => {
    ua?.close();
    await pbx?.close();
  });

  const idOf = (e: AnyPbxEvent) => (e.data as { id: string }).id;
  const eventAfter = (type: string, since: number, match: (e: AnyPbxEvent) => boolean = () => true) =>
    eventually(() => pbx.events.slice(since).find((e) => e.type === type && match(e)), 10_000, type);
  const callLog = (callId: string) =>
    eventually(
      async () => {
        const row = await pbx.database.db
          .selectFrom('call_logs')
          .selectAll()
          .where('call_id', '=', callId)
          .executeTakeFirst();
        return row?.ended_at ? row : undefined;
      },
      5000,
      `call log ${callId} closed`,
    );
  /**
   * The tone of `from` in the last `seconds` of what `ext` recorded. The UA sends no RTP and baresip records only what
   * it receives: a recording holds what its phone heard from the moment it had a peer that sends (the transfer's, or
   * the ringback before it), so its wall-clock offsets are not the call's: the end is.
   */
  const heard = (ext: '2001' | '2003' | '2004', from: '2001' | '2003' | '2004', seconds = 2.5) => {
    const wav = readWav(phones[ext]!.recordings().at(-1)!);
    const tail = wav.samples.subarray(Math.max(0, wav.samples.length - Math.round(seconds * wav.sampleRate)));
    return {
      recordedSeconds: Number((wav.samples.length / wav.sampleRate).toFixed(1)),
      snr: Number(toneSnrDb(tail, wav.sampleRate, hz[from]).toFixed(1)),
    };
  };
  const notifiesIn = (callId: string) =>
    ua.received.filter((r) => r.method === 'NOTIFY' && r.callId === callId).map((r) => r.body.trim());

  it('2002 talks to 2001, consults 2003, transfers: 2001 and 2003 hear each other, both of 2002’s legs hung up', async () => {
    for (const phone of Object.values(phones)) phone.clearEvents();
    const since = pbx.events.length;
    const { dialog: call1 } = await ua.invite('2001');
    await phones['2001']!.waitFor('CALL_ESTABLISHED');
    const first = await eventAfter('call.answered', since);
    const since2 = pbx.events.length;
    const { dialog: call2 } = await ua.invite('2003');
    await phones['2003']!.waitFor('CALL_ESTABLISHED');
    const second = await eventAfter('call.answered', since2, (e) => idOf(e) !== idOf(first));
    await sleep(2000);
    const transferAt = Date.now();
    expect(await ua.referReplacing(call1, call2, '2003')).toBe(202);
    await Promise.all([ua.byeIn(call1), ua.byeIn(call2)]);
    const released = Date.now() - transferAt;
    await eventAfter('call.transferred', since2, (e) => idOf(e) === idOf(second));
    await sleep(3000);
    const hangupAt = Date.now();
    await phones['2001']!.hangup();
    await phones['2003']!.waitFor('CALL_CLOSED', 10_000);

    console.log('live attended transfer: NOTIFYs to the transferer', notifiesIn(call1.callId), {
      bothLegsHungUpAfterMs: released,
    });
    expect(notifiesIn(call1.callId).at(-1)).toMatch(/^SIP\/2\.0 200 /);
    await sleep(500);
    const snr = { customerHearsTarget: heard('2001', '2003'), targetHearsCustomer: heard('2003', '2001') };
    console.log('live attended transfer, tone SNR in dB over each recording:', snr, {
      talkedSeconds: (hangupAt - transferAt) / 1000,
    });
    expect(snr.customerHearsTarget.snr).toBeGreaterThan(30);
    expect(snr.targetHearsCustomer.snr).toBeGreaterThan(30);

    expect(await callLog(idOf(first))).toMatchObject({
      from_number: '2002',
      to_number: '2001',
      disposition: 'transferred',
      transferred_by: '2002',
      transferred_to: '2003',
      transfer_kind: 'attended',
      transfer_call_id: idOf(second),
    });
    expect(await callLog(idOf(second))).toMatchObject({
      from_number: '2001',
      to_number: '2003',
      answered_by_extension: '2003',
      disposition: 'answered',
      transferred_by: '2002',
      transfer_kind: 'attended',
      transfer_call_id: idOf(first),
    });
    await pbx.idle();
  }, 60_000);

  it('while the consultation call still rings: 2001 is put through to the ringing 2004 and talks to it on answer', async () => {
    for (const phone of Object.values(phones)) phone.clearEvents();
    const since = pbx.events.length;
    const { dialog: call1 } = await ua.invite('2001');
    await phones['2001']!.waitFor('CALL_ESTABLISHED');
    const first = await eventAfter('call.answered', since);
    const { dialog: call2 } = await ua.invite('2004', true);
    await phones['2004']!.waitFor('CALL_INCOMING', 10_000);
    expect(await ua.referReplacing(call1, call2, '2004')).toBe(202);
    await ua.byeIn(call1);
    await eventually(
      () => ua.received.some((r) => r.callId === call2.callId) || call2.state === 'terminated',
      5000,
      'the consultation leg ended',
    ).catch(() => undefined);
    expect(notifiesIn(call1.callId).at(-1)).toMatch(/^SIP\/2\.0 200 /);
    expect(phones['2004']!.events.some((e) => e.type === 'CALL_CLOSED')).toBe(false);
    await sleep(1000);
    await phones['2004']!.accept();
    await phones['2004']!.waitFor('CALL_ESTABLISHED');
    await eventAfter('call.answered', since, (e) => idOf(e) !== idOf(first));
    await sleep(3000);
    await phones['2001']!.hangup();
    await phones['2004']!.waitFor('CALL_CLOSED', 10_000);
    await sleep(500);
    const snr = { customer: heard('2001', '2004'), target: heard('2004', '2001') };
    console.log('live attended transfer while ringing, tone SNR in dB:', snr);
    expect(snr.customer.snr).toBeGreaterThan(30);
    expect(snr.target.snr).toBeGreaterThan(30);
    await pbx.idle();
  }, 60_000);
});
