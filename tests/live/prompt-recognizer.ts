import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readWav } from './tone-meter.js';

/**
 * Which stock prompts a phone heard, read from its recording: each prompt's own audio (Asterisk's sound file, what
 * it streamed to the phone through PCMU) is looked for by normalised cross-correlation. A prompt counts as heard
 * only if every quarter of its voiced part is there, in place: a prompt whose end was cut off (the phone hung up
 * while it played) is found, but not heard in full.
 */
export interface PromptMatch {
  name: string;
  /** Where its voiced part starts in the recording (seconds), or -1 when not found at all. */
  atSeconds: number;
  /** Correlation of the whole voiced part at the best place (1 = identical). */
  score: number;
  /** Correlation of each quarter at its place: the last one drops when the end was cut. */
  quarters: number[];
  /** Every quarter matched. */
  complete: boolean;
  /** Where its voiced part ends in the recording (seconds), or -1. */
  endSeconds: number;
}

const SOUNDS_DIR = process.env.LIVE_SOUNDS_DIR ?? '/var/lib/asterisk/sounds/en';
/** A quarter whose correlation is below this was not heard (measured: a heard digit scores ≥ 0.9). */
const QUARTER_THRESHOLD = 0.6;
/** The whole voiced part: below this the prompt is not there at all. */
const FOUND_THRESHOLD = 0.5;

/** A stock sound (e.g. `digits/7`) as 8 kHz samples, its leading and trailing silence cut off. */
export function stockSound(name: string): Float64Array {
  const path = join(SOUNDS_DIR, `${name}.wav`);
  if (!existsSync(path)) throw new Error(`no stock sound ${path} (set LIVE_SOUNDS_DIR)`);
  const { samples, sampleRate } = readWav(path);
  if (sampleRate !== 8000) throw new Error(`${path}: expected 8 kHz, got ${sampleRate}`);
  return voiced(samples);
}

/** The samples between the first and the last one louder than -30 dBFS. */
export function voiced(samples: Float64Array): Float64Array {
  const threshold = 0.03;
  let first = 0;
  let last = samples.length - 1;
  while (first < samples.length && Math.abs(samples[first]!) < threshold) first++;
  while (last > first && Math.abs(samples[last]!) < threshold) last--;
  return samples.subarray(first, last + 1);
}

function correlationAt(recording: Float64Array, template: Float64Array, offset: number): number {
  let dot = 0;
  let energy = 0;
  let templateEnergy = 0;
  for (let i = 0; i < template.length; i++) {
    const r = recording[offset + i] ?? 0;
    dot += r * template[i]!;
    energy += r * r;
    templateEnergy += template[i]! * template[i]!;
  }
  return energy > 0 && templateEnergy > 0 ? dot / Math.sqrt(energy * templateEnergy) : 0;
}

/** The best place of `template` in `recording` from `from` on (normalised cross-correlation, every sample). */
function bestOffset(
  recording: Float64Array,
  template: Float64Array,
  from: number,
): { offset: number; score: number } {
  const n = template.length;
  let templateEnergy = 0;
  for (const t of template) templateEnergy += t * t;
  // A running window energy, so each offset costs one dot product.
  let energy = 0;
  for (let i = from; i < Math.min(from + n, recording.length); i++) energy += recording[i]! * recording[i]!;
  let best = { offset: -1, score: -1 };
  for (let offset = from; offset + Math.floor(n * 0.75) <= recording.length; offset++) {
    let dot = 0;
    const end = Math.min(n, recording.length - offset);
    for (let i = 0; i < end; i++) dot += recording[offset + i]! * template[i]!;
    const score = energy > 0 ? dot / Math.sqrt(energy * templateEnergy) : 0;
    if (score > best.score) best = { offset, score };
    const leaving = recording[offset]!;
    const entering = recording[offset + n] ?? 0;
    energy += entering * entering - leaving * leaving;
  }
  return best;
}

/** Looks for one prompt in a recording (8 kHz), from `fromSeconds` on. */
export function findPrompt(
  recording: Float64Array,
  name: string,
  template: Float64Array,
  fromSeconds = 0,
): PromptMatch {
  const { offset, score } = bestOffset(recording, template, Math.floor(fromSeconds * 8000));
  if (offset < 0 || score < FOUND_THRESHOLD)
    return { name, atSeconds: -1, score, quarters: [], complete: false, endSeconds: -1 };
  const size = Math.floor(template.length / 4);
  const quarters = [0, 1, 2, 3].map((q) =>
    correlationAt(
      recording,
      template.subarray(q * size, q === 3 ? template.length : (q + 1) * size),
      offset + q * size,
    ),
  );
  return {
    name,
    atSeconds: offset / 8000,
    score,
    quarters,
    complete: quarters.every((c) => c >= QUARTER_THRESHOLD),
    endSeconds: (offset + template.length) / 8000,
  };
}

/** How long the recording went on after the last prompt's voiced end (ms): what the phone heard after it. */
export function recordedAfterMs(recordingPath: string, matches: PromptMatch[]): number {
  const last = matches.at(-1);
  if (!last || last.endSeconds < 0) return -Infinity;
  return (readWav(recordingPath).samples.length / 8000 - last.endSeconds) * 1000;
}

/** Looks for prompts one after another (each after the previous one's place), e.g. `digits/7`, `digits/0`, `digits/5`. */
export function findPrompts(recordingPath: string, names: string[], fromSeconds = 0): PromptMatch[] {
  const { samples, sampleRate } = readWav(recordingPath);
  if (sampleRate !== 8000) throw new Error(`${recordingPath}: expected 8 kHz, got ${sampleRate}`);
  const matches: PromptMatch[] = [];
  let from = fromSeconds;
  for (const name of names) {
    const template = stockSound(name);
    const match = findPrompt(samples, name, template, from);
    matches.push(match);
    if (match.atSeconds >= 0) from = match.atSeconds + (template.length * 0.75) / 8000;
  }
  return matches;
}
