import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/**
 * Audio in the browser for live tests: a tone file for Chromium's fake microphone, and what the page's WebRTC call
 * receives, measured with WebAudio. Functions given to `page.evaluate` run in the page and use nothing of this
 * module but types.
 */

/** The browser APIs the page functions use (the test project's TypeScript has no DOM library). */
interface PageWindow {
  __peerConnections: { getReceivers(): Array<{ track: { kind: string } }> }[];
  RTCPeerConnection: new (configuration?: unknown) => PageWindow['__peerConnections'][number];
  MediaStream: new (tracks: unknown[]) => unknown;
  AudioContext: new () => {
    sampleRate: number;
    createAnalyser(): {
      fftSize: number;
      smoothingTimeConstant: number;
      frequencyBinCount: number;
      getFloatFrequencyData(bins: Float32Array): void;
    };
    createMediaStreamSource(stream: unknown): { connect(node: unknown): void };
    close(): Promise<void>;
  };
}

/** Keeps the page's RTCPeerConnections in `window.__peerConnections` (test-only init script). */
export function trackPeerConnections() {
  const page = globalThis as unknown as PageWindow;
  const Native = page.RTCPeerConnection;
  page.__peerConnections = [];
  page.RTCPeerConnection = class extends Native {
    constructor(configuration?: unknown) {
      super(configuration);
      page.__peerConnections.push(this);
    }
  };
}

/** The received audio through a WebAudio analyser for half a second: each frequency's level, in dBFS. */
export async function tonesInBrowser(page: Page, hzs: number[]): Promise<number[]> {
  return page.evaluate(async (frequencies) => {
    const w = globalThis as unknown as PageWindow;
    const track = w.__peerConnections
      .at(-1)
      ?.getReceivers()
      .find((r) => r.track.kind === 'audio')?.track;
    if (!track) throw new Error('no audio track received');
    const context = new w.AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    context.createMediaStreamSource(new w.MediaStream([track])).connect(analyser);
    await new Promise((r) => setTimeout(r, 500));
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    await context.close();
    const hzPerBin = context.sampleRate / analyser.fftSize;
    return frequencies.map((hz) => {
      const at = Math.round(hz / hzPerBin);
      // The loudest of the three bins around the tone (a window's leakage).
      const level = Math.max(bins[at - 1] ?? -200, bins[at] ?? -200, bins[at + 1] ?? -200);
      return Math.round(Math.max(level, -200) * 10) / 10;
    });
  }, hzs);
}

/** A mono 16-bit WAV of a sine at -6 dBFS: what Chromium's fake microphone plays (looped). */
export function writeToneWav(path: string, hz: number, seconds: number, sampleRate = 48_000) {
  const frames = seconds * sampleRate;
  const wav = Buffer.alloc(44 + frames * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + frames * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i++)
    wav.writeInt16LE(Math.round(16_384 * Math.sin((2 * Math.PI * hz * i) / sampleRate)), 44 + i * 2);
  writeFileSync(path, wav);
}
