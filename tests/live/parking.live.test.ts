import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../controller/app.js';
import { createAriConnection } from '../../controller/ari/ari-connection.js';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { apiClient } from '../helpers/fixtures.js';
import { eventually } from '../helpers/telephony.js';
import { redisUrl } from '../helpers/test-app.js';
import type { BaresipPhone } from './baresip.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx, type LiveUser } from './live-env.js';
import { findPrompts, recordedAfterMs, type PromptMatch } from './prompt-recognizer.js';
import { readWav, toneSnrDb, totalPowerDb } from './tone-meter.js';

const tones = { '1001': 440, '1002': 1000, '1003': 1400 } as const;
/** Long enough for the pick-up case, short enough to wait for in the recall case. */
const PARK_TIMEOUT_SECONDS = 12;

/** A part of a recording, by seconds from its start. */
function segment(path: string, fromSeconds: number, toSeconds: number) {
  const wav = readWav(path);
  const from = Math.max(0, Math.floor(fromSeconds * wav.sampleRate));
  const to = Math.min(wav.samples.length, Math.floor(toSeconds * wav.sampleRate));
  return {
    samples: wav.samples.subarray(from, to),
    sampleRate: wav.sampleRate,
    seconds: wav.samples.length / wav.sampleRate,
  };
}

/**
 * Which digits of a slot a phone heard, from its recording (prompt recognition against the stock files): complete
 * when every quarter of every digit is there and the phone went on receiving audio for a while after the last one
 * (released right at PlaybackFinished, baresip's recording ended 13 ms before the end of `digits/5`).
 */
function slotHeard(
  recording: string,
  slot: string,
): { complete: boolean; afterMs: number; matches: PromptMatch[] } {
  const matches = findPrompts(
    recording,
    [...slot].map((digit) => `digits/${digit}`),
  );
  const afterMs = recordedAfterMs(recording, matches);
  return { complete: matches.every((m) => m.complete) && afterMs > 300, afterMs, matches };
}

const shownMatches = ({ matches, afterMs }: { matches: PromptMatch[]; afterMs: number }) =>
  matches
    .map((m) => `${m.name}@${m.atSeconds.toFixed(2)}s [${m.quarters.map((q) => q.toFixed(2)).join(' ')}]`)
    .join(', ') + `, then ${afterMs.toFixed(0)} ms more`;

/** The device state Asterisk holds for a slot (what its BLF hint shows). */
async function deviceState(slot: string): Promise<string> {
  const auth = Buffer.from(`${live.username}:${live.password}`).toString('base64');
  const response = await fetch(
    `${live.ariUrl}/ari/deviceStates/${encodeURIComponent(`Stasis:park-${slot}`)}`,
    {
      headers: { authorization: `Basic ${auth}` },
    },
  );
  return ((await response.json()) as { state: string }).state;
}

/** A new controller (connection and app) on the suite's database, config and Redis prefix: a restart. */
async function restartedController(pbx: LivePbx) {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const redis = new Redis(redisUrl);
  const redisSubscriber = new Redis(redisUrl);
  const { config } = pbx;
  const connection = createAriConnection({
    url: config.ARI_URL,
    username: config.ARI_USERNAME,
    password: config.ARI_PASSWORD,
    app: config.ARI_APP,
    logger,
  });
  const app = await buildApp({
    config,
    logger,
    db: pbx.database.db,
    redis,
    redisSubscriber,
    pbxConnection: connection,
  });
  const events: AnyPbxEvent[] = [];
  app.bus.subscribe((event) => events.push(event));
  await connection.start();
  await eventually(() => connection.state() === 'connected', 10_000, 'ARI connected again');
  return {
    app,
    events,
    async close() {
      await connection.stop();
      await app.close();
      redis.disconnect();
      redisSubscriber.disconnect();
    },
  };
}

describeLive('live: parking on a real Asterisk', () => {
  let pbx: LivePbx;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};

  beforeAll(async () => {
    pbx = await startLivePbx({ PARK_TIMEOUT_SECONDS, PARK_RECALL_RING_SECONDS: 20 });
    for (const ext of ['1001', '1002', '1003']) users[ext] = await pbx.createUser(ext);
    for (const ext of ['1001', '1002', '1003'] as const)
      phones[ext] = await pbx.phone(ext, users[ext]!.sipPassword, tones[ext]);
  }, 60_000);

  afterAll(async () => pbx?.close());

  const eventAfter = (type: string, since: number, timeoutMs = 10_000) =>
    eventually(() => pbx.events.slice(since).find((e) => e.type === type), timeoutMs, type) as Promise<
      AnyPbxEvent & { data: Record<string, unknown> }
    >;
  const clearAll = () => Object.values(phones).forEach((phone) => phone.clearEvents());

  /** 1001 calls 1002; 1002 blind-transfers 1001 to 700 (or a slot). Resolves with the slot and when 1001's call began. */
  async function parkByTransfer(target = '700') {
    clearAll();
    const since = pbx.events.length;
    await phones['1001']!.dial(`sip:1002@${live.sipAddress}`);
    await phones['1002']!.waitFor('CALL_ESTABLISHED');
    await phones['1001']!.waitFor('CALL_ESTABLISHED');
    const callStart = Date.now();
    await eventAfter('call.answered', since);
    await sleep(1500);
    const transferAt = Date.now();
    await phones['1002']!.transfer(`sip:${target}@${live.sipAddress}`);
    const parked = await eventAfter('call.parked', since);
    // The transferer hears the slot, then its phone hangs up by itself (NOTIFY 200).
    await phones['1002']!.waitFor('CALL_CLOSED', 10_000);
    const releasedAt = Date.now();
    return { slot: String(parked.data.slot), parkedAt: Date.now(), callStart, since, transferAt, releasedAt };
  }

  it('1002 transfers 1001 to 700, 1003 dials the announced slot: 1001 heard MOH, then 1001 and 1003 talk', async () => {
    const { slot, parkedAt, callStart, since, transferAt, releasedAt } = await parkByTransfer();
    expect(slot).toBe('701');
    expect(releasedAt - transferAt).toBeGreaterThan(1500); // released only after hearing 7-0-1 (native: 2.6 s)
    const slots = (await pbx.admin.get('/api/parking/slots')).json<{
      items: { slot: string; occupied: boolean }[];
    }>().items;
    expect(slots.filter((s) => s.occupied)).toMatchObject([
      { slot: '701', callerIdNumber: '1001', parkerExtension: '1002' },
    ]);
    expect(await deviceState(slot)).toBe('INUSE'); // the BLF of hint 701 lights
    await sleep(3000); // 1001 on hold: music

    const pickupAt = Date.now();
    const sincePickup = pbx.events.length;
    await phones['1003']!.dial(`sip:${slot}@${live.sipAddress}`);
    await phones['1003']!.waitFor('CALL_ESTABLISHED');
    const unparked = await eventAfter('call.unparked', since);
    expect(unparked.data).toMatchObject({ slot, retrievedBy: { extension: '1003' }, via: 'dial' });
    await eventAfter('call.answered', sincePickup);
    const talkFrom = Date.now();
    await sleep(3000);
    await phones['1001']!.hangup();
    await phones['1003']!.waitFor('CALL_CLOSED');
    await phones['1001']!.waitFor('CALL_CLOSED');
    await sleep(500);

    const rec1001 = phones['1001']!.recordings().at(-1)!;
    const rec1003 = phones['1003']!.recordings().at(-1)!;
    const onHold = segment(rec1001, (parkedAt - callStart) / 1000 + 0.8, (pickupAt - callStart) / 1000 - 0.3);
    const talk1001 = segment(
      rec1001,
      (talkFrom - callStart) / 1000 + 0.5,
      (talkFrom - callStart) / 1000 + 2.5,
    );
    const talk1003 = segment(readWav(rec1003) && rec1003, 1, 3);
    // What 1002 heard between its REFER and its hang-up: the slot's digits, not 1001 any more.
    const rec1002 = phones['1002']!.recordings().at(-1)!;
    const announced = segment(
      rec1002,
      (transferAt - callStart) / 1000 + 0.3,
      (releasedAt - callStart) / 1000 - 0.3,
    );
    const heard701 = slotHeard(rec1002, slot);
    const measured = {
      transfererReleasedAfterMs: releasedAt - transferAt,
      slotHeard: shownMatches(heard701),
      announcementPowerDb: totalPowerDb(announced.samples),
      announcementHas1001Db: toneSnrDb(announced.samples, announced.sampleRate, tones['1001']),
      mohPowerDb: totalPowerDb(onHold.samples),
      parkedHears1002Db: toneSnrDb(onHold.samples, onHold.sampleRate, tones['1002']),
      parkedHears1003Db: toneSnrDb(onHold.samples, onHold.sampleRate, tones['1003']),
      '1001hears1003Db': toneSnrDb(talk1001.samples, talk1001.sampleRate, tones['1003']),
      '1003hears1001Db': toneSnrDb(talk1003.samples, talk1003.sampleRate, tones['1001']),
    };
    console.log('live park 1001 by 1002 on', slot, 'picked up by 1003:', measured);
    expect(heard701.complete, 'every digit of 701 heard to its end').toBe(true);
    expect(measured.announcementPowerDb).toBeGreaterThan(-45); // the digits, not silence
    expect(measured.announcementHas1001Db).toBeLessThan(0);
    expect(measured.mohPowerDb).toBeGreaterThan(-40); // music, not silence (MOH measured about -22 dBFS)
    expect(measured.parkedHears1002Db).toBeLessThan(0);
    expect(measured['1001hears1003Db']).toBeGreaterThan(30);
    expect(measured['1003hears1001Db']).toBeGreaterThan(30);
    await eventually(async () => (await deviceState(slot)) === 'NOT_INUSE', 3000, 'BLF off');
    const free = (await pbx.admin.get('/api/parking/slots')).json<{ items: { occupied: boolean }[] }>().items;
    expect(free.filter((s) => s.occupied)).toEqual([]);
  });

  it.each(['705', '799'])(
    'a blind transfer to slot %s: the parker hears every digit to its end, then its phone hangs up',
    async (target) => {
      const { slot, since, transferAt, releasedAt } = await parkByTransfer(target);
      expect(slot).toBe(target);
      await sleep(500); // the WAV file is closed when the call ends
      const heard = slotHeard(phones['1002']!.recordings().at(-1)!, slot);
      console.log(
        `live park on ${slot}: the parker was released ${releasedAt - transferAt} ms after its REFER, heard`,
        shownMatches(heard),
      );
      expect(heard.complete, `every digit of ${slot} heard to its end`).toBe(true);
      await phones['1001']!.hangup();
      const abandoned = await eventAfter('park.abandoned', since);
      expect(abandoned.data).toMatchObject({ slot, reason: 'caller-hung-up' });
    },
  );

  it('a park left past its timeout rings the parker back, who then talks to the parked caller', async () => {
    const { slot, since } = await parkByTransfer();
    const sinceParked = pbx.events.length;
    phones['1002']!.clearEvents();
    // 1002 auto-answers (baresip reports no CALL_INCOMING then): the recall shows up as a new established call.
    const incoming = await phones['1002']!.waitFor('CALL_ESTABLISHED', (PARK_TIMEOUT_SECONDS + 5) * 1000);
    console.log('live recall at 1002:', JSON.stringify(incoming));
    const timeout = await eventAfter('park.timeout', since, 1000);
    expect(timeout.data).toMatchObject({ slot, recallTo: '1002' });
    expect(JSON.stringify(incoming)).toContain(`Park ${slot}`);
    const unparked = await eventAfter('call.unparked', since);
    expect(unparked.data).toMatchObject({ slot, retrievedBy: { extension: '1002' }, via: 'recall' });
    await eventAfter('call.answered', sinceParked);
    await sleep(3000);
    await phones['1002']!.hangup();
    await phones['1001']!.waitFor('CALL_CLOSED');
    await sleep(500);
    const rec1002 = phones['1002']!.recordings().at(-1)!;
    const heard = segment(rec1002, 0.5, 2.5);
    const snr = toneSnrDb(heard.samples, heard.sampleRate, tones['1001']);
    console.log('live recall: 1002 hears 1001 at', snr, 'dB');
    expect(snr).toBeGreaterThan(30);
  }, 60_000);
  it('#72 during a call parks the other party; the parker is released; an empty slot plays a prompt and ends', async () => {
    clearAll();
    const since = pbx.events.length;
    await phones['1001']!.dial(`sip:1002@${live.sipAddress}`);
    await phones['1001']!.waitFor('CALL_ESTABLISHED');
    await eventAfter('call.answered', since);
    await sleep(1000);
    await phones['1002']!.sendDtmf('#72');
    const parked = await eventAfter('call.parked', since);
    expect(parked.data).toMatchObject({ callerIdNumber: '1001', parkerExtension: '1002', via: 'code' });
    await phones['1002']!.waitFor('CALL_CLOSED', 10_000); // after hearing the slot
    const slot = String(parked.data.slot);
    expect(await deviceState(slot)).toBe('INUSE');

    const empty = slot === '798' ? '799' : '798';
    await phones['1003']!.dial(`sip:${empty}@${live.sipAddress}`);
    await phones['1003']!.waitFor('CALL_ESTABLISHED');
    await phones['1003']!.waitFor('CALL_CLOSED', 10_000);

    // The parked caller hangs up: the slot is free at once.
    await phones['1001']!.hangup();
    const abandoned = await eventAfter('park.abandoned', since);
    expect(abandoned.data).toMatchObject({ slot, reason: 'caller-hung-up' });
    await eventually(async () => (await deviceState(slot)) === 'NOT_INUSE', 3000, 'BLF off');
  });
  // Last: it closes the suite's controller and starts another one on the same database and Redis prefix.
  it('after a controller restart the parked call is still on hold and 1003 picks it up', async () => {
    const { slot, callStart } = await parkByTransfer();
    const restartAt = Date.now();
    await pbx.connection.stop();
    await pbx.app.close();
    const next = await restartedController(pbx);
    try {
      const admin = apiClient(next.app, pbx.admin.headers);
      const slots = (await admin.get('/api/parking/slots')).json<{
        items: { slot: string; occupied: boolean }[];
      }>().items;
      expect(slots.filter((s) => s.occupied)).toMatchObject([
        { slot, callerIdNumber: '1001', parkerExtension: '1002' },
      ]);
      expect(await deviceState(slot)).toBe('INUSE');
      await sleep(2000);
      const pickupAt = Date.now();
      await phones['1003']!.dial(`sip:${slot}@${live.sipAddress}`);
      await phones['1003']!.waitFor('CALL_ESTABLISHED');
      const unparked = await eventually(
        () => next.events.find((e) => e.type === 'call.unparked'),
        10_000,
        'call.unparked',
      );
      expect(unparked.data).toMatchObject({ slot, retrievedBy: { extension: '1003' } });
      await eventually(() => next.events.find((e) => e.type === 'call.answered'), 10_000, 'call.answered');
      await sleep(3000);
      await phones['1001']!.hangup();
      await phones['1003']!.waitFor('CALL_CLOSED');
      await sleep(500);
      const rec1001 = phones['1001']!.recordings().at(-1)!;
      const held = segment(
        rec1001,
        (restartAt - callStart) / 1000 + 0.5,
        (pickupAt - callStart) / 1000 - 0.3,
      );
      const talk = segment(phones['1003']!.recordings().at(-1)!, 1, 3);
      const measured = {
        mohPowerDb: totalPowerDb(held.samples),
        '1003hears1001Db': toneSnrDb(talk.samples, talk.sampleRate, tones['1001']),
      };
      console.log('live restart with 1001 parked on', slot, measured);
      expect(measured.mohPowerDb).toBeGreaterThan(-40);
      expect(measured['1003hears1001Db']).toBeGreaterThan(30);
    } finally {
      await next.close();
    }
  });
});
