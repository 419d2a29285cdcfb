import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/telephony.js';
import { BaresipPhone } from './baresip.js';
import { HEARD_DB } from './hearing.js';
import {
  describeLive,
  establishedAt,
  live,
  sleep,
  startLivePbx,
  type LivePbx,
  type LiveUser,
} from './live-env.js';
import { readWav, toneSnrDb, totalPowerDb } from './tone-meter.js';

/**
 * A team's recording policy on a real Asterisk (issue 17): a carrier (baresip on 127.0.0.2) calls the team's DID, the
 * agent answers, both hear the announcement (`conf-now-recording`, `beep`) played into the bridge, then the call is
 * recorded; the WAV holds the customer's and the agent's tones.
 */
const DID = '+15550077';
const tones = { agent: 440, carrier: 1400 } as const;
/** Asterisk's stock `beep`: ~700 Hz. */
const BEEP_HZ = 700;

describeLive('live: a team records its routed calls', () => {
  let pbx: LivePbx;
  let carrier: BaresipPhone;
  let agentPhone: BaresipPhone;
  let agent: LiveUser;

  beforeAll(async () => {
    pbx = await startLivePbx({ RECORDINGS_DIR: mkdtempSync(join(tmpdir(), 'ari-pbx-recpol-live-')) });
    const team = (await pbx.admin.post('/api/teams', { name: `Live recording ${Date.now()}` })).json<{
      id: string;
    }>();
    agent = await pbx.createUser('3201', 'agent', team.id);
    agentPhone = await pbx.phone('3201', agent.sipPassword, tones.agent, 'manual');
    const trunk = await pbx.admin.post('/api/trunks', {
      name: `Carrier ${Date.now()}`,
      host: '127.0.0.2',
      match: ['127.0.0.2'],
    });
    const trunkId = trunk.json<{ id: string }>().id;
    await eventually(
      async () => (await pbx.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok,
      5000,
    );
    const route = await pbx.admin.post('/api/inbound-routes', {
      did: DID,
      teamId: team.id,
      fallback: { kind: 'hangup' },
    });
    expect(route.statusCode, route.body).toBe(201);
    const policy = await pbx.admin.put(`/api/teams/${team.id}/recording-policy`, { recordRoutedCalls: true });
    expect(policy.statusCode, policy.body).toBe(200);
    carrier = await BaresipPhone.start({
      name: 'carrier',
      user: '+15551110077',
      password: '',
      registrar: live.sipAddress,
      sipPort: 25_992,
      ctrlPort: 26_002,
      toneHz: tones.carrier,
      answerMode: 'manual',
      dir: join(mkdtempSync(join(tmpdir(), 'ari-pbx-live-carrier-')), 'carrier'),
      listenAddress: '127.0.0.2',
      register: false,
    });
    await eventually(() => pbx.app.presence.stateOf(agent.id) === 'available', 10_000, 'agent available');
  }, 90_000);

  afterAll(async () => {
    await carrier?.stop();
    await pbx?.close();
  });

  it('the announcement, then the recording of both parties', async () => {
    const since = pbx.events.length;
    await carrier.dial(`sip:${DID}@${live.sipAddress}`);
    await agentPhone.waitFor('CALL_INCOMING', 10_000);
    await agentPhone.accept();
    const carrierUp = await establishedAt(carrier);
    const answered = await pbx.eventAfter(since, 'call.answered');
    const started = await pbx.eventAfter(since, 'recording.started');
    const answeredAt = Date.parse(answered.at);
    const startedAt = Date.parse(started.at);
    console.log(`live recording policy: recording started ${startedAt - answeredAt} ms after the answer`);
    expect(startedAt - answeredAt).toBeGreaterThan(1000);
    await sleep(3000);
    await carrier.hangup();
    const stopped = await pbx.eventAfter(since, 'recording.stopped');
    const recording = stopped.data.recording as {
      id: string;
      state: string;
      startedVia: string;
      durationSeconds: number;
    };
    expect(recording).toMatchObject({ state: 'stopped', startedVia: 'policy' });
    await agentPhone.waitFor('CALL_CLOSED', 10_000);
    await sleep(700);

    // What the carrier heard between the answer and the recording's start: speech, then the beep at its end.
    const heard = readWav(carrier.recordings().at(-1)!);
    const at = (ms: number) => Math.max(0, Math.round(((ms - carrierUp) / 1000) * heard.sampleRate));
    const speech = heard.samples.subarray(at(answeredAt + 100), at(answeredAt + 1100));
    // The beep: the loudest 700 Hz quarter second from the answer to just after the recording began.
    let beep = { snrDb: -Infinity, msBeforeRecording: 0 };
    for (let ms = answeredAt; ms + 250 <= startedAt + 500; ms += 50) {
      const snrDb = toneSnrDb(heard.samples.subarray(at(ms), at(ms + 250)), heard.sampleRate, BEEP_HZ);
      if (snrDb > beep.snrDb) beep = { snrDb: Number(snrDb.toFixed(1)), msBeforeRecording: startedAt - ms };
    }
    // 700 Hz once the beep is over (the two phones' tones only), to tell the beep from the mix.
    const after = heard.samples.subarray(at(startedAt + 1000), at(startedAt + 2000));
    const afterDb = Number(toneSnrDb(after, heard.sampleRate, BEEP_HZ).toFixed(1));
    const figures = {
      announcementPowerDb: Number(totalPowerDb(speech).toFixed(1)),
      beep,
      beepHzLaterDb: afterDb,
    };
    console.log(`live recording policy: the carrier heard ${JSON.stringify(figures)}`);
    expect(beep.snrDb - afterDb, 'the beep stands out of the mix').toBeGreaterThan(15);
    expect(figures.announcementPowerDb).toBeGreaterThan(-50);

    const audio = await pbx.admin.get(`/api/recordings/${recording.id}/audio`);
    expect(audio.statusCode).toBe(200);
    const file = join(tmpdir(), `recpol-live-${recording.id}.wav`);
    writeFileSync(file, audio.rawPayload);
    const wav = readWav(file);
    const inRecording = {
      agent: Number(toneSnrDb(wav.samples, wav.sampleRate, tones.agent).toFixed(1)),
      carrier: Number(toneSnrDb(wav.samples, wav.sampleRate, tones.carrier).toFixed(1)),
    };
    console.log(
      `live recording policy: in the recording ${JSON.stringify(inRecording)} (${recording.durationSeconds} s)`,
    );
    expect(inRecording.agent).toBeGreaterThan(HEARD_DB);
    expect(inRecording.carrier).toBeGreaterThan(HEARD_DB);
    await pbx.idle();
  }, 60_000);
});
