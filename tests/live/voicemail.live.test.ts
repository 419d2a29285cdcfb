import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PbxFact } from '../../controller/ari/pbx.facts.js';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { Hearing, HEARD_DB, SILENT_DB } from './hearing.js';
import {
  describeLive,
  establishedAt,
  live,
  sleep,
  startLivePbx,
  type LivePbx,
  type LiveUser,
} from './live-env.js';
import { asteriskCli, startSipTrace, type SipMessage, type SipTrace } from './sip-trace.js';
import { readWav, toneSnrDb, totalPowerDb } from './tone-meter.js';

/**
 * Voicemail on a real Asterisk (issue 17): 1001 calls 1002, nobody answers, 1001 hears the greeting and the beep and
 * leaves 3 s of its tone; 1002's phone gets a message-summary NOTIFY saying `Messages-Waiting: yes` (Asterisk's SIP
 * log); 1002 dials *97 and hears 1001's tone in the message; 7 deletes it and the NOTIFY says `no`.
 */
const TONES = { '1001': 440, '1002': 660 };
/** Asterisk's stock `beep` (en_US_f_Allison/beep.wav): a 0.43 s tone at ~700 Hz, measured on the file. */
const BEEP_HZ = 700;

describeLive('live: voicemail', () => {
  let pbx: LivePbx;
  let caller: BaresipPhone;
  let callee: BaresipPhone;
  let mailboxUser: LiveUser;
  let trace: SipTrace | undefined;
  const facts: { fact: PbxFact; at: number }[] = [];

  beforeAll(async () => {
    pbx = await startLivePbx({
      DIAL_TIMEOUT_SECONDS: 6,
      VOICEMAIL_DIR: mkdtempSync(join(tmpdir(), 'ari-pbx-vm-live-')),
    });
    pbx.connection.onFact((fact) => void facts.push({ fact, at: Date.now() }));
    const a = await pbx.createUser('1001');
    mailboxUser = await pbx.createUser('1002');
    const put = await pbx.admin.put(`/api/users/${mailboxUser.id}/voicemail`, { enabled: true, pin: '2468' });
    expect(put.statusCode).toBe(200);
    caller = await pbx.phone('1001', a.sipPassword, TONES['1001']);
    callee = await pbx.phone('1002', mailboxUser.sipPassword, TONES['1002'], 'manual');
  }, 60_000);

  afterAll(async () => {
    await trace?.stop().catch(() => undefined);
    await pbx?.close();
  });

  const factAfter = (from: number, match: (f: PbxFact) => boolean, ms = 20_000) =>
    eventually(() => facts.slice(from).find((f) => match(f.fact)), ms, 'a fact');
  const notifies = (messages: SipMessage[]) =>
    messages.filter(
      (m) =>
        m.direction === 'out' &&
        m.method === 'NOTIFY' &&
        m.peerPort === callee.options.sipPort &&
        /Messages-Waiting/i.test(m.body),
    );

  it('a message left, the lamp lit, heard on *97, deleted, the lamp off', async () => {
    trace = await startSipTrace();
    // 1. Nobody answers: after DIAL_TIMEOUT_SECONDS the mailbox answers 1001.
    const from = facts.length;
    await caller.dial(`sip:1002@${live.sipAddress}`);
    await callee.waitFor('CALL_INCOMING', 10_000);
    const callerUp = await establishedAt(caller);
    const greeted = await factAfter(
      from,
      (f) => f.kind === 'playback-finished' && f.playbackId.endsWith('-greeting'),
    );
    await sleep(3000);
    expect(facts.slice(from).some((f) => f.fact.kind === 'recording-failed')).toBe(false);
    caller.sendDtmf('#');
    const kept = await pbx.eventAfter(0, 'voicemail.new');
    await caller.waitFor('CALL_CLOSED', 10_000);
    await sleep(700);
    const messageId = kept.data.id as string;
    console.log(`live voicemail: message ${messageId}, ${String(kept.data.durationSeconds)} s`);
    expect(kept.data.durationSeconds).toBeGreaterThanOrEqual(2);
    expect(kept.data.durationSeconds).toBeLessThanOrEqual(4);

    // What 1001 heard: the greeting (speech), the beep at its end, and never its own tone back.
    const heard = readWav(caller.recordings().at(-1)!);
    const at = (ms: number) => Math.max(0, Math.round(((ms - callerUp) / 1000) * heard.sampleRate));
    const greeting = heard.samples.subarray(at(callerUp + 500), at(greeted.at - 600));
    const beep = heard.samples.subarray(at(greeted.at - 500), at(greeted.at + 100));
    const figures = {
      greetingPowerDb: Number(totalPowerDb(greeting).toFixed(1)),
      beepSnrDb: Number(toneSnrDb(beep, heard.sampleRate, BEEP_HZ).toFixed(1)),
    };
    console.log(`live voicemail: 1001 heard ${JSON.stringify(figures)}`);
    expect(figures.greetingPowerDb).toBeGreaterThan(-50);
    expect(figures.beepSnrDb).toBeGreaterThan(HEARD_DB);

    // The message's WAV (served by the controller) holds 1001's tone, not 1002's.
    const audio = await pbx.admin.get(`/api/voicemail/${messageId}/audio`);
    expect(audio.statusCode).toBe(200);
    const file = join(tmpdir(), `vm-live-${messageId}.wav`);
    writeFileSync(file, audio.rawPayload);
    const message = readWav(file);
    const inMessage = {
      '1001': Number(toneSnrDb(message.samples, message.sampleRate, TONES['1001']).toFixed(1)),
      '1002': Number(toneSnrDb(message.samples, message.sampleRate, TONES['1002']).toFixed(1)),
    };
    console.log(`live voicemail: in the message ${JSON.stringify(inMessage)}`);
    expect(inMessage['1001']).toBeGreaterThan(HEARD_DB);
    expect(inMessage['1002']).toBeLessThan(SILENT_DB);

    // 2. The lamp: within 2 s of the message, a NOTIFY with Messages-Waiting: yes.
    await sleep(2000);

    // 3. 1002 dials *97 and hears 1001's tone in the message.
    const before = pbx.events.length;
    await callee.dial(`sip:*97@${live.sipAddress}`);
    const calleeUp = await establishedAt(callee);
    const played = await pbx.eventAfter(
      before,
      'voicemail.updated',
      (d) => d.id === messageId && d.heard === true,
    );
    const playedAt = Date.parse(played.at);

    // 4. 7 deletes it; the lamp goes off.
    callee.sendDtmf('7');
    await pbx.eventAfter(before, 'voicemail.deleted', (d) => d.id === messageId);
    await sleep(2000);
    callee.hangup();
    await callee.waitFor('CALL_CLOSED', 10_000);
    await sleep(700); // baresip closes the call's WAV files once the call has ended
    const listening = new Hearing(callee, calleeUp).tones(
      { from: playedAt - 2600, to: playedAt - 200 },
      TONES,
    );
    console.log(
      `live voicemail: 1002 heard in the message ${JSON.stringify(listening)} (the message ended ` +
        `${playedAt - calleeUp} ms into ${callee.recordings().at(-1)}, ${readWav(callee.recordings().at(-1)!).samples.length / 8000} s)`,
    );
    expect(listening['1001']).toBeGreaterThan(HEARD_DB);
    expect(listening['1002']).toBeLessThan(SILENT_DB);
    const endpoint = await asteriskCli('pjsip show endpoint 1002');
    console.log(
      `live voicemail: endpoint 1002: ${endpoint
        .split('\n')
        .filter((l) => /mailbox|mwi/i.test(l))
        .join(' / ')}`,
    );
    const messages = await trace.stop();
    trace = undefined;
    for (const m of messages.filter((x) => x.method === 'NOTIFY' || /message-summary/i.test(x.body)))
      console.log(
        `live voicemail: SIP ${m.direction} port ${m.peerPort}: ${m.startLine} ${m.body.replace(/\r\n/g, ' | ')}`,
      );
    const lamp = notifies(messages).map((m) => ({
      at: m.at,
      waiting: /Messages-Waiting:\s*yes/i.test(m.body),
      body: m.body.replace(/\r\n/g, ' | '),
    }));
    for (const n of lamp)
      console.log(`live voicemail: NOTIFY +${(n.at - callerUp).toFixed(0)} ms: ${n.body}`);
    const keptAt = Date.parse(kept.at);
    const on = lamp.find((n) => n.waiting && n.at >= keptAt - 50);
    expect(on, 'a NOTIFY with Messages-Waiting: yes after the message').toBeDefined();
    expect(on!.at - keptAt).toBeLessThan(2000);
    const deletedAt = Date.parse((await pbx.eventAfter(before, 'voicemail.deleted')).at);
    const off = lamp.find((n) => !n.waiting && n.at >= deletedAt - 50);
    expect(off, 'a NOTIFY with Messages-Waiting: no after the delete').toBeDefined();
    expect(off!.at - deletedAt).toBeLessThan(2000);
    await pbx.idle();
  }, 120_000);
});
