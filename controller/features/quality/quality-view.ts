import type { CallQualityRow } from '../../db/tables/call-quality.js';
import type { CallView } from '../calls/call-view.js';
import type { CallLegs, TrackedLeg } from './quality-sampler.js';
import type { LegFigures } from './quality.rules.js';

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Figures as the API shows them: ms to 0.1, loss to 0.01 %, MOS to 0.01. */
function shown(figures: LegFigures) {
  return {
    samples: figures.samples,
    jitterMs: round(figures.jitterMs, 1),
    jitterMsMax: round(figures.jitterMsMax, 1),
    rttMs: round(figures.rttMs, 1),
    rttMsMax: round(figures.rttMsMax, 1),
    lossPct: round(figures.lossPct, 2),
    mos: { min: round(figures.mos.min, 2), avg: round(figures.mos.avg, 2), last: round(figures.mos.last, 2) },
    firstSampleAt: figures.firstSampleAt,
    lastSampleAt: figures.lastSampleAt,
  };
}

/** A live call's figures (`liveQualitySchema`); null before its first sample. */
export function liveQualityOf(legs: TrackedLeg[] | undefined) {
  if (!legs || legs.length === 0) return null;
  const views = legs.map((t) => ({ ...t.leg, ...shown(t.figures!), poor: t.alert.kind === 'poor' }));
  return { poor: views.some((leg) => leg.poor), legs: views };
}

/** A call log's stored figures (`storedQualitySchema`); null when no leg was sampled. */
export function storedQualityOf(rows: CallQualityRow[]) {
  if (rows.length === 0) return null;
  const legs = rows.map((row) => ({
    channelId: row.channel_id,
    role: row.role,
    endpoint: row.endpoint,
    ...shown({
      samples: row.samples,
      jitterMs: row.jitter_ms_avg,
      jitterMsMax: row.jitter_ms_max,
      rttMs: row.rtt_ms_avg,
      rttMsMax: row.rtt_ms_max,
      lossPct: row.loss_pct,
      mos: { min: row.mos_min, avg: row.mos_avg, last: row.mos_last },
      firstSampleAt: row.first_sample_at.toISOString(),
      lastSampleAt: row.last_sample_at.toISOString(),
    }),
    poorAlerts: row.poor_alerts,
  }));
  return { mosMin: Math.min(...legs.map((leg) => leg.mos.min)), legs };
}

/** What is sampled of the live calls: the channels that are up of every answered call. */
export function legsOfCalls(calls: CallView[]): CallLegs[] {
  return calls
    .filter((call) => call.state === 'answered')
    .map((call) => ({
      callId: call.id,
      legs: call.channels
        .filter((channel) => channel.state === 'up')
        .map((channel) => ({ channelId: channel.id, role: channel.role, endpoint: channel.endpoint })),
    }))
    .filter((call) => call.legs.length > 0);
}
