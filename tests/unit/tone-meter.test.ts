import { describe, expect, it } from 'vitest';
import { toneSnrDb, tonePowerDb } from '../live/tone-meter.js';

const sine = (hz: number, amplitude: number, seconds = 1, rate = 8000) =>
  Float64Array.from({ length: seconds * rate }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
const mix = (...signals: Float64Array[]) => signals[0]!.map((_, i) => signals.reduce((sum, s) => sum + s[i]!, 0));

describe('tone meter (what a phone heard)', () => {
  it('measures a tone that is there and one that is not', () => {
    const heard = sine(440, 0.3);
    expect(tonePowerDb(heard, 8000, 440)).toBeCloseTo(20 * Math.log10(0.3), 1);
    expect(toneSnrDb(heard, 8000, 440)).toBeGreaterThan(37);
    expect(toneSnrDb(heard, 8000, 1000)).toBeLessThan(-48);
  });

  it('sees both tones of a two-way mix near 0 dB', () => {
    const both = mix(sine(440, 0.2), sine(1000, 0.2));
    expect(Math.abs(toneSnrDb(both, 8000, 440))).toBeLessThan(1);
    expect(Math.abs(toneSnrDb(both, 8000, 1000))).toBeLessThan(1);
    expect(toneSnrDb(both, 8000, 700)).toBeLessThan(-48);
  });
});
