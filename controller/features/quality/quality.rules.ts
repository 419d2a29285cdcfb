import { estimateQuality } from './e-model.js';
import type { RtcpReport } from './rtcp-report.js';

/** The counters a loss window is measured between. */
export type Counters = Pick<RtcpReport, 'received' | 'sent' | 'lostIn' | 'lostOut'>;

/** How many earlier readings a loss window spans: the loss of a sample is over the last 3 sampling intervals. */
export const LOSS_WINDOW = 3;

const ZERO: Counters = { received: 0, sent: 0, lostIn: 0, lostOut: 0 };

/** One sample of a leg: its figures now (the worse direction of each) and the MOS they give. */
export interface SampleFigures {
  jitterMs: number;
  /** Over the loss window. */
  lossPct: number;
  rttMs: number;
  mos: number;
}

const pct = (lost: number, expected: number) => (expected > 0 ? Math.min(100, (100 * lost) / expected) : 0);

/**
 * Loss between two readings, the worse direction: of the phone's stream Δlp / (Δrxcount + Δlp), of Asterisk's the
 * phone's Δrlp / Δtxcount.
 */
export function lossBetween(from: Counters, to: Counters): number {
  const lostIn = to.lostIn - from.lostIn;
  const lostOut = to.lostOut - from.lostOut;
  return Math.max(pct(lostIn, to.received - from.received + lostIn), pct(lostOut, to.sent - from.sent));
}

/** A counter that went down: Asterisk's RTP instance started again (a new stream); the window starts again too. */
const wentBack = (from: Counters, to: Counters) =>
  to.received < from.received || to.sent < from.sent || to.lostIn < from.lostIn || to.lostOut < from.lostOut;

/**
 * The base of the loss window for a new reading: the reading LOSS_WINDOW samples back, or the start of the stream
 * (all zero) while there are fewer; the history kept for the next one (the last LOSS_WINDOW readings).
 */
export function lossWindow(
  history: readonly Counters[],
  reading: Counters,
): { base: Counters; history: Counters[] } {
  const last = history.at(-1);
  const kept = last && wentBack(last, reading) ? [] : [...history];
  const base = kept.length >= LOSS_WINDOW ? kept[kept.length - LOSS_WINDOW]! : ZERO;
  return { base, history: [...kept, countersOf(reading)].slice(-LOSS_WINDOW) };
}

const countersOf = (r: Counters): Counters => ({
  received: r.received,
  sent: r.sent,
  lostIn: r.lostIn,
  lostOut: r.lostOut,
});

/** No packet either way yet: nothing to judge (the reading is not a sample). */
export const carriesMedia = (report: RtcpReport) => report.received > 0 || report.sent > 0;

/** A sample's figures: jitter the worse of both directions, loss over the window, MOS by the E-model. */
export function sampleFigures(report: RtcpReport, base: Counters): SampleFigures {
  const jitterMs = 1000 * Math.max(report.jitterIn, report.jitterOut);
  const rttMs = 1000 * report.rtt;
  const lossPct = lossBetween(base, report);
  return { jitterMs, lossPct, rttMs, mos: estimateQuality({ jitterMs, lossPct, rttMs }).mos };
}

/** The loss of the whole stream so far (cumulative counters), the worse direction. */
export const streamLossPct = (report: Counters) => lossBetween(ZERO, report);

/** A leg's figures over its samples so far, as the API shows them live and the call log keeps them. */
export interface LegFigures {
  samples: number;
  /** Averages and maxima over the samples. */
  jitterMs: number;
  jitterMsMax: number;
  rttMs: number;
  rttMsMax: number;
  /** Of the whole stream (cumulative counters of the last reading). */
  lossPct: number;
  mos: { min: number; avg: number; last: number };
  firstSampleAt: string;
  lastSampleAt: string;
}

/** Folds one sample into a leg's figures. */
export function addSample(
  figures: LegFigures | undefined,
  sample: SampleFigures,
  report: Counters,
  at: string,
): LegFigures {
  const n = figures?.samples ?? 0;
  const mean = (previous: number | undefined, value: number) => ((previous ?? 0) * n + value) / (n + 1);
  return {
    samples: n + 1,
    jitterMs: mean(figures?.jitterMs, sample.jitterMs),
    jitterMsMax: Math.max(figures?.jitterMsMax ?? 0, sample.jitterMs),
    rttMs: mean(figures?.rttMs, sample.rttMs),
    rttMsMax: Math.max(figures?.rttMsMax ?? 0, sample.rttMs),
    lossPct: streamLossPct(report),
    mos: {
      min: Math.min(figures?.mos.min ?? sample.mos, sample.mos),
      avg: mean(figures?.mos.avg, sample.mos),
      last: sample.mos,
    },
    firstSampleAt: figures?.firstSampleAt ?? at,
    lastSampleAt: at,
  };
}
