/** The WAV files the double's recordings write (as Asterisk's `wav` format: PCM 16-bit mono 8 kHz). */
/** The tone of a phone in recordings: a stable frequency per phone id (300-1875 Hz in 25 Hz steps). */
export function toneHzOf(phoneId: string): number {
  let hash = 0;
  for (const c of phoneId) hash = (hash * 31 + c.charCodeAt(0)) % 64;
  return 300 + hash * 25;
}

/** A WAV file (PCM 16-bit mono 8 kHz) of `ms` milliseconds: the sum of sines at `tones` (silence without any). */
export function wavOf(ms: number, tones: number[]): Buffer {
  return wavOfTimeline(ms, [{ atMs: 0, sources: [], tones }]);
}

/** The same, with the tones changing over time: each period holds the tones of its sources (phones). */
export function wavOfTimeline(
  ms: number,
  timeline: { atMs: number; sources: string[]; tones?: number[] }[],
): Buffer {
  const rate = 8000;
  const samples = Math.round((ms / 1000) * rate);
  const data = Buffer.alloc(samples * 2);
  let period = 0;
  let tones = timeline[0]?.tones ?? (timeline[0]?.sources ?? []).map(toneHzOf);
  for (let i = 0; i < samples; i++) {
    const next = timeline[period + 1];
    if (next && i >= (next.atMs / 1000) * rate) {
      period++;
      tones = next.tones ?? next.sources.map(toneHzOf);
    }
    let v = 0;
    for (const hz of tones) v += Math.sin((2 * Math.PI * hz * i) / rate);
    const scaled = tones.length > 0 ? (v / tones.length) * 0.3 : 0;
    data.writeInt16LE(Math.round(scaled * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
