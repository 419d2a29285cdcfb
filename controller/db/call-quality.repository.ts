import { sql } from 'kysely';
import type { Db } from './database.js';
import type { CallQualityRow } from './tables/call-quality.js';

/** A leg's figures as the quality feature writes them at the call's end. */
export interface LegQualityWrite {
  callId: string;
  channelId: string;
  role: string;
  endpoint: string;
  samples: number;
  jitterMs: number;
  jitterMsMax: number;
  lossPct: number;
  rttMs: number;
  rttMsMax: number;
  mos: { min: number; avg: number; last: number };
  poorAlerts: number;
  firstSampleAt: string;
  lastSampleAt: string;
}

/** The average of two averages over `a` and `b` samples. */
const weighted = (column: string) =>
  sql<number>`(call_quality.${sql.ref(column)} * call_quality.samples + excluded.${sql.ref(column)} * excluded.samples)
    / (call_quality.samples + excluded.samples)`;

/**
 * Writes a leg's figures. A leg written before (the controller stopped mid-call and a later one sampled the rest) is
 * merged: samples add up, averages are weighted, minima and maxima kept, the last figures and the stream's loss taken
 * from the later write.
 */
export async function upsertLegQuality(db: Db, legs: LegQualityWrite[]): Promise<void> {
  if (legs.length === 0) return;
  await db
    .insertInto('call_quality')
    .values(
      legs.map((leg) => ({
        call_id: leg.callId,
        channel_id: leg.channelId,
        role: leg.role,
        endpoint: leg.endpoint,
        samples: leg.samples,
        jitter_ms_avg: leg.jitterMs,
        jitter_ms_max: leg.jitterMsMax,
        loss_pct: leg.lossPct,
        rtt_ms_avg: leg.rttMs,
        rtt_ms_max: leg.rttMsMax,
        mos_min: leg.mos.min,
        mos_avg: leg.mos.avg,
        mos_last: leg.mos.last,
        poor_alerts: leg.poorAlerts,
        first_sample_at: new Date(leg.firstSampleAt),
        last_sample_at: new Date(leg.lastSampleAt),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['call_id', 'channel_id']).doUpdateSet({
        jitter_ms_avg: weighted('jitter_ms_avg'),
        rtt_ms_avg: weighted('rtt_ms_avg'),
        mos_avg: weighted('mos_avg'),
        samples: sql<number>`call_quality.samples + excluded.samples`,
        jitter_ms_max: sql<number>`greatest(call_quality.jitter_ms_max, excluded.jitter_ms_max)`,
        rtt_ms_max: sql<number>`greatest(call_quality.rtt_ms_max, excluded.rtt_ms_max)`,
        mos_min: sql<number>`least(call_quality.mos_min, excluded.mos_min)`,
        mos_last: sql<number>`excluded.mos_last`,
        loss_pct: sql<number>`excluded.loss_pct`,
        poor_alerts: sql<number>`call_quality.poor_alerts + excluded.poor_alerts`,
        first_sample_at: sql<Date>`least(call_quality.first_sample_at, excluded.first_sample_at)`,
        last_sample_at: sql<Date>`greatest(call_quality.last_sample_at, excluded.last_sample_at)`,
      }),
    )
    .execute();
}

/** Every leg's row of these calls, oldest first sample first. */
export async function legQualityOfCalls(db: Db, callIds: string[]): Promise<CallQualityRow[]> {
  if (callIds.length === 0) return [];
  return db
    .selectFrom('call_quality')
    .selectAll()
    .where('call_id', 'in', callIds)
    .orderBy('first_sample_at')
    .orderBy('channel_id')
    .execute();
}
