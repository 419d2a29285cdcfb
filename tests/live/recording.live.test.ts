import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PbxFact } from '../../controller/ari/pbx.facts.js';
import { eventually } from '../helpers/telephony.js';
import type { BaresipPhone } from './baresip.js';
import { HEARD_DB } from './hearing.js';
import { describeLive, live, sleep, startLivePbx, type LivePbx } from './live-env.js';
import { readWav, toneSnrDb } from './tone-meter.js';

/**
 * Call recording on a real Asterisk (issue 17): 1001 calls 1002, both answer with their own tone; the API starts the
 * bridge recording, `*1` from 1001 stops it (DTMF in the `mixing,dtmf_events` bridge, now softmix with the Recorder
 * channel), the API starts a second segment, the hang-up ends it. The recording's WAV, served by the controller, holds
 * both parties' tones.
 */
const TONES = { '1001': 440, '1002': 660 };

describeLive('live: call recording', () => {
  let pbx: LivePbx;
  let caller: BaresipPhone;
  let callee: BaresipPhone;
  const facts: { fact: PbxFact; at: number }[] = [];

  beforeAll(async () => {
    pbx = await startLivePbx({ RECORDINGS_DIR: mkdtempSync(join(tmpdir(), 'ari-pbx-rec-live-')) });
    pbx.connection.onFact((fact) => void facts.push({ fact, at: Date.now() }));
    const a = await pbx.createUser('1001');
    const b = await pbx.createUser('1002');
    caller = await pbx.phone('1001', a.sipPassword, TONES['1001']);
    callee = await pbx.phone('1002', b.sipPassword, TONES['1002']);
  }, 60_000);

  afterAll(async () => pbx?.close());

  it("a recorded call's WAV holds both parties' tones, in two segments", async () => {
    const from = pbx.events.length;
    await caller.dial(`sip:1002@${live.sipAddress}`);
    const answered = await pbx.eventAfter(from, 'call.answered');
    const callId = answered.data.id as string;
    await sleep(500);
    const requested = Date.now();
    const start = await pbx.admin.post(`/api/calls/${callId}/recording`, { action: 'start' });
    expect(start.statusCode, start.body).toBe(200);
    const started = await pbx.eventAfter(from, 'recording.started');
    console.log(`live recording: start request to RecordingStarted ${Date.parse(started.at) - requested} ms`);
    await sleep(3000);
    caller.sendDtmf('*1');
    await pbx.eventAfter(from, 'recording.stopped', (d) => d.segment === 1);
    const second = await pbx.admin.post(`/api/calls/${callId}/recording`, { action: 'start' });
    expect(second.statusCode, second.body).toBe(200);
    await sleep(2000);
    caller.hangup();
    const stopped = await pbx.eventAfter(from, 'recording.stopped', (d) => d.segment === 2);
    const recording = stopped.data.recording as {
      id: string;
      state: string;
      durationSeconds: number;
      segments: { state: string; durationSeconds: number }[];
    };
    console.log(`live recording: ${JSON.stringify(recording)}`);
    expect(facts.some((f) => f.fact.kind === 'recording-failed')).toBe(false);
    expect(recording.state).toBe('stopped');
    expect(recording.segments.map((s) => s.state)).toEqual(['saved', 'saved']);
    expect(recording.durationSeconds).toBeGreaterThan(4);

    const audio = await pbx.admin.get(`/api/recordings/${recording.id}/audio`);
    expect(audio.statusCode).toBe(200);
    const file = join(tmpdir(), `rec-live-${recording.id}.wav`);
    writeFileSync(file, audio.rawPayload);
    const wav = readWav(file);
    const inRecording = {
      '1001': Number(toneSnrDb(wav.samples, wav.sampleRate, TONES['1001']).toFixed(1)),
      '1002': Number(toneSnrDb(wav.samples, wav.sampleRate, TONES['1002']).toFixed(1)),
    };
    console.log(`live recording: in the recording ${JSON.stringify(inRecording)}`);
    expect(inRecording['1001']).toBeGreaterThan(HEARD_DB);
    expect(inRecording['1002']).toBeGreaterThan(HEARD_DB);
    // Asterisk's stored copies are gone once the controller has its own.
    await eventually(
      async () => {
        const stored = await pbx.connection.pbx.storedRecordingFile(`call-${callId}-2`);
        return !stored.ok;
      },
      5000,
      "Asterisk's copy deleted",
    );
    await callee.waitFor('CALL_CLOSED', 10_000);
    await pbx.idle();
  }, 60_000);
});
