/** The power of one frequency in a PCM 16-bit mono WAV (Goertzel), relative to the file's total power, in dB. */
export function toneDb(wav: Buffer, hz: number): number {
  const dataAt = wav.indexOf('data') + 8;
  const rate = wav.readUInt32LE(24);
  const samples: number[] = [];
  for (let i = dataAt; i + 1 < wav.length; i += 2) samples.push(wav.readInt16LE(i) / 32768);
  if (samples.length === 0) return -Infinity;
  const k = (2 * Math.PI * hz) / rate;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const power = (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.length * samples.length);
  const total = samples.reduce((sum, x) => sum + x * x, 0) / samples.length;
  return total === 0 ? -Infinity : 10 * Math.log10((2 * power) / total);
}
