import { readFileSync } from 'node:fs';

/** PCM samples of a 16-bit little-endian WAV file, as numbers in [-1, 1), first channel only. */
export function readWav(path: string): { sampleRate: number; samples: Float64Array } {
  const buffer = readFileSync(path);
  if (buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path} is not a WAV file`);
  }
  let offset = 12;
  let sampleRate = 8000;
  let channels = 1;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buffer.readUInt16LE(body + 2);
      sampleRate = buffer.readUInt32LE(body + 4);
      if (buffer.readUInt16LE(body + 14) !== 16) throw new Error(`${path}: only 16-bit PCM is supported`);
    } else if (id === 'data') {
      const end = Math.min(buffer.length, body + size);
      const frames = Math.floor((end - body) / (2 * channels));
      const samples = new Float64Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buffer.readInt16LE(body + i * 2 * channels) / 32768;
      return { sampleRate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Power of one frequency in a block (Goertzel), normalised so that a full-scale sine gives about 0 dB. */
export function tonePowerDb(samples: Float64Array, sampleRate: number, hz: number): number {
  const n = samples.length;
  if (n === 0) return -Infinity;
  const k = Math.round((n * hz) / sampleRate);
  const w = (2 * Math.PI * k) / n;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  const amplitude = (2 * Math.sqrt(Math.max(power, 0))) / n;
  return 20 * Math.log10(amplitude + 1e-12);
}

/** Mean power of the whole signal in dB (full-scale sine ≈ -3 dB). */
export function totalPowerDb(samples: Float64Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return 10 * Math.log10(sum / Math.max(samples.length, 1) + 1e-12);
}

/**
 * How strongly a tone is present in a recording, as SNR against the rest of the signal: the tone's power relative
 * to the residual power (everything that is not that tone), the median over half-second blocks (so a tone on an
 * even number of Hz falls exactly on a bin). ≥ +37 dB alone means clearly heard; ≤ -48 dB means not heard
 * (ARI-NOTES); about 0 dB for each of two tones in a two-way mix.
 */
export function toneSnrDb(samples: Float64Array, sampleRate: number, hz: number): number {
  const block = Math.floor(sampleRate / 2);
  const values: number[] = [];
  for (let start = 0; start + block <= samples.length; start += block) {
    values.push(blockSnrDb(samples.subarray(start, start + block), sampleRate, hz));
  }
  if (!values.length) return blockSnrDb(samples, sampleRate, hz);
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)]!;
}

function blockSnrDb(samples: Float64Array, sampleRate: number, hz: number): number {
  const amplitude = 10 ** (tonePowerDb(samples, sampleRate, hz) / 20);
  const toneMeanPower = (amplitude * amplitude) / 2;
  let total = 0;
  for (const s of samples) total += s * s;
  const meanPower = total / Math.max(samples.length, 1);
  const residual = Math.max(meanPower - toneMeanPower, 1e-12);
  return 10 * Math.log10(toneMeanPower / residual + 1e-15);
}
