import type { BaresipPhone } from './baresip.js';
import { readWav, toneSnrDb } from './tone-meter.js';

/**
 * What a phone heard during a stretch of wall-clock time: its recording of one call starts when the call is
 * established, so a moment is `at - establishedAt` seconds into the file. Windows are trimmed by `marginMs` at both
 * ends so that a switch's own moment (and the ~100 ms between the event and the recording's start) counts for
 * neither side.
 */
export interface Window {
  from: number;
  to: number;
}

export class Hearing {
  constructor(
    readonly phone: BaresipPhone,
    readonly establishedAt: number,
    /** Which recording: the phone's calls are numbered from the oldest; by default its last. */
    readonly recording = -1,
  ) {}

  /** SNR in dB of each tone (Hz) in what the phone heard between `window.from` and `window.to` (epoch ms). */
  tones(window: Window, hzs: Record<string, number>, marginMs = 400): Record<string, number> {
    const wav = readWav(this.phone.recordings().at(this.recording)!);
    const start = Math.max(
      0,
      Math.round(((window.from + marginMs - this.establishedAt) / 1000) * wav.sampleRate),
    );
    const end = Math.min(
      wav.samples.length,
      Math.round(((window.to - marginMs - this.establishedAt) / 1000) * wav.sampleRate),
    );
    const part = wav.samples.subarray(start, Math.max(start, end));
    return Object.fromEntries(
      Object.entries(hzs).map(([name, hz]) => [name, Number(toneSnrDb(part, wav.sampleRate, hz).toFixed(1))]),
    );
  }
}

/** Heard in a mix of up to three talkers (ARI-NOTES: ≈ 0 dB each in a three-way mix, ≥ +37 dB alone). */
export const HEARD_DB = -10;
/** Not heard at all (ARI-NOTES: ≤ −48 dB on a native Asterisk). */
export const SILENT_DB = -40;
