import type { Generated, Selectable } from 'kysely';

/**
 * A call leg's RTP quality as sampled while it ran (migration 0017, `features/quality/`): written when the call ends,
 * one row per leg (`call_id`, `channel_id`), read beside the call's log. Jitter and round trip in ms, loss in percent.
 */
export interface CallQualityTable {
  id: Generated<string>;
  call_id: string;
  channel_id: string;
  role: string;
  endpoint: string;
  samples: number;
  jitter_ms_avg: number;
  jitter_ms_max: number;
  loss_pct: number;
  rtt_ms_avg: number;
  rtt_ms_max: number;
  mos_min: number;
  mos_avg: number;
  mos_last: number;
  /** How many times the leg was reported poor (`call.quality-poor`). */
  poor_alerts: number;
  first_sample_at: Date;
  last_sample_at: Date;
}
export type CallQualityRow = Selectable<CallQualityTable>;
