import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { startSipTrace, type SipMessage } from './sip-trace.js';
import { HEARD_DB } from './hearing.js';
import { readWav, toneSnrDb, totalPowerDb } from './tone-meter.js';

/**
 * Trunks on a real Asterisk: a baresip phone plays the carrier from its own loopback address (127.0.0.2, never
 * registered; the trunk's host and `match`). (a) 1001 dials 9 + a national number: the carrier receives the INVITE
 * for the E.164 number with the user's outbound caller ID in From and PAI, answers, and both hear each other (tones).
 * (b) The fence: the carrier dials feature codes, a page number, an extension, a slot: each is refused, nobody rings.
 * (c) A user without outbound permission dialling out is refused (403). And the accounts still register and call
 * each other with `endpoint_identifier_order = ip,username`.
 */
const tones = { '1001': 440, '1002': 1000, carrier: 1700 } as const;
const CARRIER_IP = '127.0.0.2';
const carrierPort = 24_000 + Math.floor(Math.random() * 50) * 20;

describeLive('live: trunks, the trunk fence and outside calls on a real Asterisk', () => {
  let pbx: LivePbx;
  let carrier: BaresipPhone;
  let trunkId: string;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};

  beforeAll(async () => {
    pbx = await startLivePbx();
    for (const ext of ['1001', '1002']) users[ext] = await pbx.createUser(ext);
    await pbx.admin.patch(`/api/users/${users['1001']!.id}`, { outboundCallerId: '+14155550111' });
    await pbx.admin.patch(`/api/users/${users['1002']!.id}`, { outboundAllowed: false });
    phones['1001'] = await pbx.phone('1001', users['1001']!.sipPassword, tones['1001']);
    phones['1002'] = await pbx.phone('1002', users['1002']!.sipPassword, tones['1002'], 'manual');
    const created = await pbx.admin.post('/api/trunks', {
      name: 'Loopback carrier',
      host: CARRIER_IP,
      port: carrierPort,
      match: [`${CARRIER_IP}/32`],
      callerId: '+14155550100',
    });
    expect(created.statusCode, created.body).toBe(201);
    trunkId = created.json().id;
    await eventually(
      async () => (await pbx.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok,
      5000,
      'the trunk pushed',
    );
    carrier = await BaresipPhone.start({
      name: 'carrier',
      // baresip takes an INVITE only for its own user (else 404): the carrier "is" the number 1001 dials out to.
      user: '+14155550199',
      password: '',
      registrar: live.sipAddress,
      sipPort: carrierPort,
      ctrlPort: carrierPort + 10,
      toneHz: tones.carrier,
      answerMode: 'auto',
      dir: join(mkdtempSync(join(tmpdir(), 'ari-pbx-carrier-')), 'carrier'),
      listenAddress: CARRIER_IP,
      register: false,
    });
  }, 60_000);

  afterAll(async () => {
    await carrier?.stop();
    await pbx?.close();
  });

  const invitesTo = (messages: SipMessage[], port: number) =>
    messages.filter((m) => m.direction === 'out' && m.method === 'INVITE' && m.peerPort === port);

  it('the accounts still register and call each other (ip before username)', async () => {
    const [caller, callee] = [phones['1001']!, phones['1002']!];
    caller.clearEvents();
    callee.clearEvents();
    await caller.dial(`sip:1002@${live.sipAddress}`);
    await callee.waitFor('CALL_INCOMING', 10_000);
    await callee.accept();
    await caller.waitFor('CALL_ESTABLISHED', 10_000);
    await caller.hangup();
    await callee.waitFor('CALL_CLOSED', 10_000);
  });

  it('(a) 9 + a national number leaves through the trunk as E.164 with the outbound caller ID; both talk', async () => {
    const caller = phones['1001']!;
    caller.clearEvents();
    carrier.clearEvents();
    const trace = await startSipTrace();
    let messages: SipMessage[] = [];
    try {
      const dialledAt = Date.now();
      await caller.dial(`sip:94155550199@${live.sipAddress}`);
      await carrier.waitFor('CALL_ESTABLISHED', 10_000).catch(async (error: unknown) => {
        const seen = await trace.stop();
        console.log(
          'live outbound failed; SIP seen:',
          seen.map((m) => `${m.direction} ${m.peerPort} ${m.startLine}`),
        );
        console.log(
          'caller events',
          caller.events.map((e) => `${e.type} ${String(e.param ?? '')}`),
        );
        console.log(
          'carrier events',
          carrier.events.map((e) => `${e.type} ${String(e.param ?? '')}`),
        );
        throw error;
      });
      await caller.waitFor('CALL_ESTABLISHED', 10_000);
      console.log(`live outbound: dial → both established in ${Date.now() - dialledAt} ms`);
      await sleep(3000);
      await caller.hangup();
      await carrier.waitFor('CALL_CLOSED', 10_000);
    } finally {
      messages = await trace.stop();
    }
    const [invite] = invitesTo(messages, carrierPort);
    expect(invite, 'an INVITE to the carrier').toBeDefined();
    console.log('live outbound INVITE:', invite!.startLine, {
      from: invite!.headers['from'],
      pai: invite!.headers['p-asserted-identity'],
      rpid: invite!.headers['remote-party-id'],
    });
    expect(invite!.startLine).toBe(`INVITE sip:+14155550199@${CARRIER_IP}:${carrierPort} SIP/2.0`);
    expect(invite!.headers['from']?.join(' ')).toContain('+14155550111');
    expect(invite!.headers['p-asserted-identity']?.join(' ')).toContain('+14155550111');

    await sleep(500);
    const heardByCaller = readWav(caller.recordings().at(-1)!);
    const heardByCarrier = readWav(carrier.recordings().at(-1)!);
    const snr = {
      callerHearsCarrier: toneSnrDb(heardByCaller.samples, heardByCaller.sampleRate, tones.carrier),
      carrierHearsCaller: toneSnrDb(heardByCarrier.samples, heardByCarrier.sampleRate, tones['1001']),
    };
    console.log('live outbound 1001 <-> carrier, tone SNR in dB:', snr);
    expect(snr.callerHearsCarrier).toBeGreaterThan(30);
    expect(snr.carrierHearsCaller).toBeGreaterThan(30);
    const log = await eventually(
      async () =>
        pbx.database.db
          .selectFrom('call_logs')
          .selectAll()
          .where('direction', '=', 'outbound')
          .where('ended_at', 'is not', null)
          .executeTakeFirst(),
      5000,
      'the outbound call log',
    );
    expect(log).toMatchObject({ from_number: '1001', to_number: '+14155550199', disposition: 'answered' });
  });

  /**
   * Feature codes never reach the controller from a real Asterisk: `[from-trunk]` has only `_X.` and `_+.`, so
   * Asterisk answers 404 itself (no StasisStart); numbers enter Stasis as the trunk's calls (`PJSIP/trunk-<id>-…`,
   * which proves the carrier was identified by its address) and get 404 (no inbound route).
   */
  it.each([
    ['*2221002', 404, false],
    ['*76', 404, false],
    ['**1002', 404, false],
    ['800', 404, true],
    ['1002', 404, true],
    ['701', 404, true],
    ['700', 404, true],
  ])(
    '(b) the carrier dialling %s is refused with %i and nobody rings (in Stasis: %s)',
    async (dialled, status, stasis) => {
      carrier.clearEvents();
      phones['1002']!.clearEvents();
      const entered: string[] = [];
      const stop = pbx.connection.onFact((fact) => {
        if (fact.kind === 'channel-entered') entered.push(`${fact.channel.name} ${fact.args.join(',')}`);
      });
      const started = Date.now();
      await carrier.dial(`sip:${dialled}@${live.sipAddress}`);
      const closed = await carrier.waitFor('CALL_CLOSED', 10_000).finally(stop);
      console.log(
        `live fence: ${dialled} → ${String(closed.param)} in ${Date.now() - started} ms; Stasis:`,
        entered,
      );
      expect(String(closed.param)).toMatch(new RegExp(String(status)));
      if (!stasis) expect(entered).toEqual([]);
      else {
        expect(entered).toHaveLength(1);
        expect(entered[0]).toMatch(new RegExp(`^PJSIP/trunk-${trunkId}-[0-9a-f]{8} ${dialled},inbound$`));
      }
      await sleep(300);
      expect(phones['1002']!.events.filter((e) => e.type === 'CALL_INCOMING')).toEqual([]);
    },
  );

  it('(b) a carrier whose From claims to be 1001 is still the trunk (identified by address, never challenged as 1001)', async () => {
    const port = carrierPort + 4;
    const spoofer = await BaresipPhone.start({
      name: 'spoofer',
      user: '1001',
      password: '',
      registrar: live.sipAddress,
      sipPort: port,
      ctrlPort: port + 10,
      toneHz: tones.carrier,
      dir: join(mkdtempSync(join(tmpdir(), 'ari-pbx-spoofer-')), 'spoofer'),
      listenAddress: CARRIER_IP,
      register: false,
    });
    try {
      phones['1002']!.clearEvents();
      const entered: { name: string; caller: string }[] = [];
      const stop = pbx.connection.onFact((fact) => {
        if (fact.kind === 'channel-entered')
          entered.push({ name: fact.channel.name, caller: fact.channel.caller.number });
      });
      await spoofer.dial(`sip:1002@${live.sipAddress}`);
      const closed = await spoofer.waitFor('CALL_CLOSED', 10_000).finally(stop);
      console.log(`live spoof: From 1001 dialling 1002 → ${String(closed.param)}; Stasis:`, entered);
      expect(String(closed.param)).toMatch(/404/);
      expect(entered).toHaveLength(1);
      expect(entered[0]!.name).toMatch(new RegExp(`^PJSIP/trunk-${trunkId}-`));
      expect(entered[0]!.caller).toBe('1001');
      await sleep(300);
      expect(phones['1002']!.events.filter((e) => e.type === 'CALL_INCOMING')).toEqual([]);
    } finally {
      await spoofer.stop();
    }
  });

  it('(d) a registering trunk: pushed over ARI, the module reloaded, Asterisk sends the REGISTER to the carrier', async () => {
    const port = carrierPort + 8; // nobody listens there: only what Asterisk sends is looked at
    const trace = await startSipTrace();
    let messages: SipMessage[] = [];
    let id = '';
    try {
      const created = await pbx.admin.post('/api/trunks', {
        name: 'Registering carrier',
        host: CARRIER_IP,
        port,
        register: true,
        username: 'acct-77',
        password: 'reg-secret-77',
      });
      expect(created.statusCode, created.body).toBe(201);
      id = created.json().id;
      await eventually(
        async () => (await pbx.connection.pbx.getSipObject('registration', `trunk-${id}`)).ok,
        5000,
        'registration pushed',
      );
      await sleep(4000);
    } finally {
      messages = await trace.stop();
    }
    const registers = messages.filter(
      (m) => m.direction === 'out' && m.method === 'REGISTER' && m.peerPort === port,
    );
    console.log(
      'live registration: REGISTERs sent',
      registers.map((m) => `${m.startLine} ${m.headers['to']?.join(' ')}`),
    );
    expect(registers.length).toBeGreaterThan(0);
    expect(registers[0]!.startLine).toBe(`REGISTER sip:${CARRIER_IP}:${port} SIP/2.0`);
    expect(registers[0]!.headers['to']?.join(' ')).toContain(`sip:acct-77@${CARRIER_IP}`);
    expect((await pbx.admin.delete(`/api/trunks/${id}`)).statusCode).toBe(204);
  });

  it('(c) a user without outbound permission dialling out is refused with 403, the carrier never rung', async () => {
    const caller = phones['1002']!;
    caller.clearEvents();
    carrier.clearEvents();
    await caller.dial(`sip:94155550199@${live.sipAddress}`);
    const closed = await caller.waitFor('CALL_CLOSED', 10_000);
    console.log(`live: 1002 (no outbound) → ${String(closed.param)}`);
    expect(String(closed.param)).toMatch(/403/);
    await sleep(300);
    expect(carrier.events.filter((e) => e.type === 'CALL_INCOMING')).toEqual([]);
  });

  it('(e) a mobile ring target through the trunk is screened: its answer counts only after it presses 1, then both talk', async () => {
    const user = await pbx.createUser('1003');
    const saved = await pbx.admin.put(`/api/users/${user.id}/ring-settings`, {
      strategy: 'simultaneous',
      targets: [{ kind: 'external', number: '+14155550199', delaySeconds: 0, timeoutSeconds: 20 }],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const caller = phones['1001']!;
    caller.clearEvents();
    carrier.clearEvents();
    await caller.dial(`sip:1003@${live.sipAddress}`);
    await carrier.waitFor('CALL_ESTABLISHED', 10_000);
    const carrierUp = Date.now();
    await sleep(2500);
    expect(
      caller.events.some((e) => e.type === 'CALL_ESTABLISHED'),
      'the mobile answering is not the call answered',
    ).toBe(false);
    await carrier.sendDtmf('1');
    const accepted = Date.now();
    await caller.waitFor('CALL_ESTABLISHED', 10_000);
    const callerUp = Date.now();
    console.log(
      `live screening: 1 pressed ${accepted - carrierUp} ms after the mobile answered; the caller answered ${callerUp - accepted} ms later`,
    );
    await sleep(3000);
    await caller.hangup();
    await carrier.waitFor('CALL_CLOSED', 10_000);
    await sleep(500);
    const heardByCaller = readWav(caller.recordings().at(-1)!);
    const heardByCarrier = readWav(carrier.recordings().at(-1)!);
    const carrierBefore = heardByCarrier.samples.subarray(0, Math.round(2 * heardByCarrier.sampleRate));
    const snr = {
      callerHearsMobile: toneSnrDb(heardByCaller.samples, heardByCaller.sampleRate, tones.carrier),
      mobileHearsCallerBeforeAccepting: toneSnrDb(carrierBefore, heardByCarrier.sampleRate, tones['1001']),
      mobileHearsCallerAfter: toneSnrDb(
        heardByCarrier.samples.subarray(
          Math.round(((callerUp - carrierUp) / 1000 + 0.5) * heardByCarrier.sampleRate),
        ),
        heardByCarrier.sampleRate,
        tones['1001'],
      ),
    };
    const questionDb = totalPowerDb(carrierBefore);
    console.log(
      'live screening, tone SNR in dB:',
      snr,
      "the mobile's first 2 s (the question), power dB:",
      questionDb,
    );
    // Before 1 the mobile hears the spoken question (speech, some of it near 440 Hz), never the caller's tone (≥ +30 dB).
    expect(snr.mobileHearsCallerBeforeAccepting, 'the screening question, not the caller').toBeLessThan(
      HEARD_DB,
    );
    expect(questionDb, 'the question is heard').toBeGreaterThan(-40);
    expect(snr.callerHearsMobile).toBeGreaterThan(30);
    expect(snr.mobileHearsCallerAfter).toBeGreaterThan(30);
  });
});
