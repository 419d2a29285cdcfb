/**
 * Channel recordings (`POST /channels/{id}/record`) and stored recordings, as res_stasis_recording does them: the
 * channel is answered, RecordingStarted, then the recording ends by `maxDurationSeconds`, the `terminateOn` digit or
 * the channel hanging up (`ast_play_and_record_full` returns and the recording is COMPLETE either way: the file is
 * kept) with RecordingFinished carrying its `duration`. The file is a real WAV (8 kHz, 16-bit mono, as Asterisk's
 * `wav` format) holding a sine per phone the channel heard from (`toneHzOf`), written into the double's recordings
 * directory, so a test can measure whose voice a message holds. Silence detection is not modelled. Bridge
 * recordings (`POST /bridges/{id}/record`) hold the bridge's mix: every member phone's tone while it is in the bridge.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sim } from './sim.js';
import type { Bridge, Channel } from './types.js';
import { bridgeMix } from './audio.js';
import { emit, sendToApp } from './events.js';
import { timestamp } from './sim.js';
import { answer } from './channel-ops.js';
import { callOf } from './phone-side.js';
import { wavOfTimeline } from './wav-writer.js';

export { toneHzOf, wavOf } from './wav-writer.js';

export interface LiveRecording {
  name: string;
  format: string;
  /** A channel recording's channel ('' for a bridge recording). */
  channelId: string;
  /** A bridge recording's bridge (`POST /bridges/{id}/record`). */
  bridgeId?: string;
  targetUri: string;
  terminateOn: string;
  startedAt: number;
  /** Who the channel heard from while recording began (each phone's tone). */
  sources: string[];
  /** A bridge recording: whose audio the bridge mixed, from when (ms since the start), as it changed. */
  timeline?: { atMs: number; sources: string[] }[];
  timer?: NodeJS.Timeout;
  sampler?: NodeJS.Timeout;
  state: 'recording' | 'done' | 'failed';
}

/**
 * `double.failRecordings(mode)`: `refuse` answers the next record requests 500 (Asterisk's answer to an error it
 * does not name, e.g. the recording directory unwritable); `fail` starts them and fails them 50 ms later
 * (RecordingFailed, as a file write that fails on a full disk).
 */
export type RecordingFault = 'refuse' | 'fail' | null;

export interface StoredRecording {
  name: string;
  format: string;
  file: string;
  durationMs: number;
  sources: string[];
}

export class Recordings {
  readonly live = new Map<string, LiveRecording>();
  readonly stored = new Map<string, StoredRecording>();
  private dirPath: string | undefined;
  fault: RecordingFault = null;

  constructor(private readonly sim: Sim) {}

  get dir(): string {
    this.dirPath ??= mkdtempSync(join(tmpdir(), 'ari-double-recordings-'));
    return this.dirPath;
  }

  /** Starts recording; a problem is the HTTP status and message Asterisk answers with. */
  start(
    ch: Channel,
    p: { name: string; format: string; maxDurationSeconds: number; terminateOn: string; ifExists: string },
  ): { status: number; message: string } | LiveRecording {
    if (p.format !== 'wav') return { status: 422, message: 'Recording format is unknown on this system' };
    if (ch.bridgeId) return { status: 409, message: 'Channel is in a bridge' };
    if (this.live.has(p.name) || (this.stored.has(p.name) && p.ifExists === 'fail'))
      return { status: 409, message: 'Recording with the same name already exists on the system' };
    if (this.fault === 'refuse') return { status: 500, message: 'Internal Server Error' };
    if (ch.state !== 'Up') answer(this.sim, ch);
    const found = callOf(this.sim, ch);
    const rec: LiveRecording = {
      name: p.name,
      format: p.format,
      channelId: ch.id,
      targetUri: `channel:${ch.id}`,
      terminateOn: p.terminateOn,
      startedAt: Date.now(),
      sources: found ? [found.phone.id] : [],
      state: 'recording',
    };
    this.live.set(p.name, rec);
    this.emitRecording('RecordingStarted', rec);
    if (this.fault === 'fail') {
      rec.timer = this.sim.later(50, () => this.fail(rec, 'Unable to write the recording file'));
      return rec;
    }
    if (p.maxDurationSeconds > 0)
      rec.timer = this.sim.later(p.maxDurationSeconds * 1000, () => this.finish(rec));
    return rec;
  }

  /** A digit from the recorded channel's phone: `terminateOn` ends the recording. */
  dtmf(ch: Channel, digit: string): void {
    for (const rec of this.live.values()) {
      if (rec.channelId !== ch.id) continue;
      if (rec.terminateOn === 'any' || rec.terminateOn === digit) this.finish(rec);
    }
  }

  /** The channel went: its recording completes with what it has. */
  channelGone(ch: Channel): void {
    for (const rec of [...this.live.values()]) if (rec.channelId === ch.id) this.finish(rec);
  }

  /**
   * `POST /bridges/{id}/record`: the bridge's mixed audio (every member's phone, as they come and go) is recorded
   * until it is stopped or the bridge is destroyed. Asterisk adds a `Recorder/` channel to the bridge for it; the
   * double does not model that channel (README: known differences).
   */
  startBridge(
    br: Bridge,
    p: { name: string; format: string; maxDurationSeconds: number; terminateOn: string; ifExists: string },
  ): { status: number; message: string } | LiveRecording {
    if (p.format !== 'wav') return { status: 422, message: 'Recording format is unknown on this system' };
    if (this.live.has(p.name) || (this.stored.has(p.name) && p.ifExists === 'fail'))
      return { status: 409, message: `Recording '${p.name}' already exists and can not be overwritten` };
    if (this.fault === 'refuse') return { status: 500, message: 'Internal Server Error' };
    const rec: LiveRecording = {
      name: p.name,
      format: p.format,
      channelId: '',
      bridgeId: br.id,
      targetUri: `bridge:${br.id}`,
      terminateOn: p.terminateOn,
      startedAt: Date.now(),
      sources: [],
      timeline: [],
      state: 'recording',
    };
    this.live.set(p.name, rec);
    this.sample(rec);
    this.emitRecording('RecordingStarted', rec);
    if (this.fault === 'fail') {
      rec.timer = this.sim.later(50, () => this.fail(rec, 'Unable to write the recording file'));
      return rec;
    }
    if (p.maxDurationSeconds > 0)
      rec.timer = this.sim.later(p.maxDurationSeconds * 1000, () => this.finish(rec));
    return rec;
  }

  /** The bridge is being destroyed: its recordings complete with what they have (its members still in it). */
  bridgeGone(br: Bridge): void {
    for (const rec of [...this.live.values()]) if (rec.bridgeId === br.id) this.finish(rec);
  }

  finish(rec: LiveRecording): void {
    if (rec.state !== 'recording') return;
    this.sim.cancel(rec.timer);
    this.sim.cancel(rec.sampler);
    if (rec.bridgeId) this.sample(rec, false);
    rec.state = 'done';
    this.live.delete(rec.name);
    const durationMs = Date.now() - rec.startedAt;
    const file = join(this.dir, `${rec.name}.${rec.format}`);
    const timeline = rec.timeline ?? [{ atMs: 0, sources: rec.sources }];
    const sources = [...new Set(timeline.flatMap((t) => t.sources))].sort();
    writeFileSync(file, wavOfTimeline(durationMs, timeline));
    this.stored.set(rec.name, { name: rec.name, format: rec.format, file, durationMs, sources });
    this.emitRecording('RecordingFinished', rec, { duration: Math.floor(durationMs / 1000) });
  }

  /** Asterisk could not write the recording: RecordingFailed, nothing stored. */
  fail(rec: LiveRecording, cause: string): void {
    if (rec.state !== 'recording') return;
    this.sim.cancel(rec.timer);
    this.sim.cancel(rec.sampler);
    rec.state = 'failed';
    this.live.delete(rec.name);
    this.emitRecording('RecordingFailed', rec, { cause });
  }

  /** What the bridge mixes now, appended when it changed; sampled every 20 ms while recording. */
  private sample(rec: LiveRecording, again = true): void {
    const br = rec.bridgeId ? this.sim.bridges.get(rec.bridgeId) : undefined;
    const timeline = rec.timeline ?? [];
    const sources = br ? bridgeMix(this.sim, br) : [];
    const last = timeline.at(-1);
    if (!last || last.sources.join() !== sources.join())
      timeline.push({ atMs: Date.now() - rec.startedAt, sources });
    if (again) rec.sampler = this.sim.later(20, () => this.sample(rec));
  }

  snapshot(rec: LiveRecording, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: rec.name, format: rec.format, target_uri: rec.targetUri, state: rec.state, ...extra };
  }

  deleteStored(name: string): boolean {
    const stored = this.stored.get(name);
    if (!stored) return false;
    rmSync(stored.file, { force: true });
    this.stored.delete(name);
    return true;
  }

  /** Asterisk restarting keeps its files (they are on disk); the double's go when it closes. */
  close(): void {
    if (this.dirPath) rmSync(this.dirPath, { recursive: true, force: true });
  }

  /**
   * A channel recording's events go to the channel's subscribers. A bridge recording's come from its `Recorder/`
   * channel, which is in Stasis whatever the bridge holds: every application gets them (also once the bridge is
   * empty, or after the app reconnected).
   */
  private emitRecording(type: string, rec: LiveRecording, extra: Record<string, unknown> = {}): void {
    const fields = { recording: this.snapshot(rec, extra) };
    if (rec.bridgeId) {
      for (const app of this.sim.apps.values())
        sendToApp(this.sim, app, { type, timestamp: timestamp(), ...fields });
      return;
    }
    const ch = this.sim.channels.get(rec.channelId);
    emit(this.sim, type, fields, { channels: ch ? [ch] : [] });
  }
}
