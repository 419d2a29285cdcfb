import { describe, expect, it } from 'vitest';
import {
  delayImpairment,
  estimateQuality,
  lossImpairment,
  mosOfR,
} from '../../controller/features/quality/e-model.js';
import {
  decideAlert,
  evolveAlert,
  initialAlertState,
  type AlertState,
} from '../../controller/features/quality/quality.decider.js';
import {
  addSample,
  lossBetween,
  lossWindow,
  sampleFigures,
  type Counters,
} from '../../controller/features/quality/quality.rules.js';
import { parseRtcpAll, type RtcpReport } from '../../controller/features/quality/rtcp-report.js';
import { parseConfig } from '../../controller/config.js';

/** Call quality's pure parts: the E-model at known points, the RTCP text, the loss window, the alert hysteresis. */
describe('the E-model (G.107, G.711 with Bpl 4.3)', () => {
  it('gives the G.107 default for a perfect link: R 93.2, MOS 4.41', () => {
    const perfect = estimateQuality({ rttMs: 0, jitterMs: 0, lossPct: 0 });
    expect(perfect.r).toBeCloseTo(93.2, 5);
    expect(perfect.mos).toBeCloseTo(4.41, 2);
    // A LAN (1 ms round trip, 1 ms jitter) is still the default: no delay impairment under 100 ms one way.
    expect(estimateQuality({ rttMs: 1, jitterMs: 1, lossPct: 0 }).mos).toBeCloseTo(4.41, 2);
  });

  it.each([
    // [loss %, expected R (93.2 − 95·p/(p+4.3)), expected MOS]
    [1, 75.28, 3.83],
    [2, 63.04, 3.25],
    [5, 42.12, 2.16],
    [10, 26.77, 1.48],
  ])('loses R with %d %% random loss', (lossPct, r, mos) => {
    const q = estimateQuality({ rttMs: 0, jitterMs: 0, lossPct });
    expect(q.r).toBeCloseTo(r, 1);
    expect(q.mos).toBeCloseTo(mos, 1);
  });

  it('impairs delay only past 100 ms one way (G.107 Idd)', () => {
    expect(delayImpairment(100)).toBe(0);
    expect(delayImpairment(150)).toBeGreaterThan(0);
    // G.107 §7.2 with mT = 100: X = log2(Ta/100); Idd(200 ms) = 25·(2^⅙ − 3·(1+3⁻⁶)^⅙ + 2) ≈ 3.04, Idd(400 ms) ≈ 24.1.
    expect(delayImpairment(200)).toBeCloseTo(3.04, 2);
    expect(delayImpairment(400)).toBeCloseTo(24.07, 1);
    // 300 ms round trip and 40 ms jitter: 150 + 80 + 20 = 250 ms one way.
    const slow = estimateQuality({ rttMs: 300, jitterMs: 40, lossPct: 0 });
    expect(slow.oneWayMs).toBe(250);
    expect(slow.mos).toBeLessThan(4.3);
  });

  it('bounds R → MOS to 1 … 4.5 and loss to 0 … 100 %', () => {
    expect(mosOfR(-5)).toBe(1);
    expect(mosOfR(120)).toBe(4.5);
    expect(lossImpairment(0)).toBe(0);
    expect(lossImpairment(250)).toBeCloseTo(lossImpairment(100), 10);
    expect(estimateQuality({ rttMs: 0, jitterMs: 0, lossPct: 60 }).mos).toBe(1);
  });
});

describe('CHANNEL(rtcp,all,audio)', () => {
  const text =
    'ssrc=80413220;themssrc=23012889;lp=3;rxjitter=0.000125;rxcount=804;txjitter=0.002500;txcount=812;rlp=1;' +
    'rtt=0.000854;rxmes=88.077270;txmes=88.076186';

  it('reads Asterisk 22’s fields: lp / rlp the loss of each direction, txjitter ours of the phone, rxjitter the phone’s', () => {
    expect(parseRtcpAll(text)).toEqual({
      received: 804,
      sent: 812,
      lostIn: 3,
      lostOut: 1,
      jitterIn: 0.0025,
      jitterOut: 0.000125,
      rtt: 0.000854,
    });
  });

  it('reads a wrapped (negative) loss count as 0 and refuses what is not a report', () => {
    const wrapped = parseRtcpAll(text.replace('lp=3', 'lp=4294967295').replace('rlp=1', 'rlp=16777215'));
    expect([wrapped?.lostIn, wrapped?.lostOut]).toEqual([0, 0]);
    expect(parseRtcpAll('')).toBeUndefined();
    expect(parseRtcpAll('ssrc=1;themssrc=2')).toBeUndefined();
    expect(parseRtcpAll(text.replace('rtt=0.000854', 'rtt=nan'))).toBeUndefined();
  });
});

const report = (c: Partial<RtcpReport>): RtcpReport => ({
  received: 0,
  sent: 0,
  lostIn: 0,
  lostOut: 0,
  jitterIn: 0,
  jitterOut: 0,
  rtt: 0,
  ...c,
});

describe('loss over a window of the last 3 samples', () => {
  it('measures lost / expected in the worse direction', () => {
    const zero: Counters = { received: 0, sent: 0, lostIn: 0, lostOut: 0 };
    expect(lossBetween(zero, { received: 95, sent: 100, lostIn: 5, lostOut: 0 })).toBe(5);
    expect(lossBetween(zero, { received: 100, sent: 100, lostIn: 0, lostOut: 10 })).toBe(10);
    expect(lossBetween(zero, zero)).toBe(0);
  });

  it('starts from the stream’s start until 3 readings are kept, then spans the last 3 intervals', () => {
    // 250 packets per 5-s sample; loss only in the 2nd interval (25 lost).
    const readings = [
      { received: 250, sent: 250, lostIn: 0, lostOut: 0 },
      { received: 475, sent: 500, lostIn: 25, lostOut: 0 },
      { received: 725, sent: 750, lostIn: 25, lostOut: 0 },
      { received: 975, sent: 1000, lostIn: 25, lostOut: 0 },
      { received: 1225, sent: 1250, lostIn: 25, lostOut: 0 },
    ];
    let history: Counters[] = [];
    const losses = readings.map((reading) => {
      const window = lossWindow(history, reading);
      history = window.history;
      return lossBetween(window.base, reading);
    });
    // 0; 25/500; 25/750; (25 of the 750 since the 1st) 25/750; then the lossy interval has left the window.
    expect(losses.map((l) => Number(l.toFixed(2)))).toEqual([0, 5, 3.33, 3.33, 0]);
    expect(history).toHaveLength(3);
  });

  it('starts again when the counters go back (a new RTP stream)', () => {
    const history = [{ received: 900, sent: 900, lostIn: 50, lostOut: 0 }];
    const next = lossWindow(history, { received: 100, sent: 100, lostIn: 0, lostOut: 0 });
    expect(next.base).toEqual({ received: 0, sent: 0, lostIn: 0, lostOut: 0 });
    expect(next.history).toHaveLength(1);
  });

  it('folds samples into min / avg / last MOS, average and maximum jitter and round trip', () => {
    const good = report({ received: 250, sent: 250, jitterIn: 0.002, jitterOut: 0.004, rtt: 0.01 });
    const first = addSample(
      undefined,
      sampleFigures(good, { received: 0, sent: 0, lostIn: 0, lostOut: 0 }),
      good,
      't1',
    );
    expect(first).toMatchObject({ samples: 1, jitterMs: 4, rttMs: 10, lossPct: 0, firstSampleAt: 't1' });
    const bad = report({ received: 400, sent: 500, lostIn: 100, lostOut: 0, jitterIn: 0.002, rtt: 0.03 });
    const both = addSample(first, sampleFigures(bad, good), bad, 't2');
    expect(both).toMatchObject({
      samples: 2,
      jitterMs: 3,
      jitterMsMax: 4,
      rttMs: 20,
      rttMsMax: 30,
      lastSampleAt: 't2',
    });
    expect(both.lossPct).toBe(20);
    expect(both.mos.min).toBe(both.mos.last);
    expect(both.mos.avg).toBeCloseTo((first.mos.last + both.mos.last) / 2, 10);
  });
});

describe('call.quality-poor hysteresis (threshold 3.5: recovered above 4.0 for 3 samples)', () => {
  /** Runs MOS samples through the decider; returns the alerts raised (index of the sample) and the final state. */
  function run(moses: number[]) {
    let state: AlertState = initialAlertState;
    const alerts: number[] = [];
    moses.forEach((mos, i) => {
      for (const event of decideAlert(state, mos, 3.5)) {
        if (event.kind === 'poor') alerts.push(i);
        state = evolveAlert(state, event);
      }
    });
    return { alerts, state };
  }

  it.each([
    ['good all along', [4.4, 4.4, 4.3], [], 'watching'],
    ['one drop: one alert', [4.4, 3.0, 3.0, 3.1], [1], 'poor'],
    ['wavering around the threshold: still one', [3.4, 3.6, 3.4, 3.7, 3.3], [0], 'poor'],
    ['above the threshold but not by 0.5: no recovery', [3.0, 3.9, 3.9, 3.9, 3.0], [0], 'poor'],
    ['2 good samples then a bad one: the run starts again', [3.0, 4.2, 4.2, 3.8, 4.2, 4.2, 3.0], [0], 'poor'],
    [
      'recovered (3 good in a row), then a new drop: a second alert',
      [3.0, 4.2, 4.2, 4.2, 3.0],
      [0, 4],
      'poor',
    ],
    ['recovered and staying good', [3.0, 4.1, 4.1, 4.1, 4.4], [0], 'watching'],
  ])('%s', (_what, moses, alerts, final) => {
    const result = run(moses);
    expect(result.alerts).toEqual(alerts);
    expect(result.state.kind).toBe(final);
  });
});

describe('QUALITY_SAMPLE_SECONDS and QUALITY_POOR_MOS', () => {
  const secret = 'q7RbT2xLmZ9wKp4VfN8sYc3HdJ6gAe1U';

  it('default to 5 s and 3.5, and read decimals for the threshold', () => {
    const defaults = parseConfig({ JWT_SECRET: secret });
    expect(defaults.ok && defaults.config).toMatchObject({
      QUALITY_SAMPLE_SECONDS: 5,
      QUALITY_POOR_MOS: 3.5,
    });
    const set = parseConfig({ JWT_SECRET: secret, QUALITY_SAMPLE_SECONDS: '10', QUALITY_POOR_MOS: '3.1' });
    expect(set.ok && set.config).toMatchObject({ QUALITY_SAMPLE_SECONDS: 10, QUALITY_POOR_MOS: 3.1 });
  });

  it('refuse what cannot be a period or a MOS, naming the setting', () => {
    const bad = parseConfig({ JWT_SECRET: secret, QUALITY_SAMPLE_SECONDS: '0', QUALITY_POOR_MOS: '4.8' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      expect.stringMatching(/^QUALITY_SAMPLE_SECONDS: /),
      expect.stringMatching(/^QUALITY_POOR_MOS: /),
    ]);
  });
});
