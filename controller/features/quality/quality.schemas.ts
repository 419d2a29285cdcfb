import { z } from 'zod';

const legShape = {
  channelId: z.string(),
  role: z.string().describe('the leg in the call: caller, origin, callee, handoff'),
  endpoint: z.string(),
  samples: z.number().int().describe('RTCP readings taken (every QUALITY_SAMPLE_SECONDS)'),
  jitterMs: z.number().describe('average interarrival jitter, the worse direction'),
  jitterMsMax: z.number(),
  rttMs: z.number().describe('average round trip between Asterisk and the phone'),
  rttMsMax: z.number(),
  lossPct: z.number().describe('packets lost over the whole stream, the worse direction'),
  mos: z
    .object({ min: z.number(), avg: z.number(), last: z.number() })
    .describe('E-model (ITU-T G.107) MOS estimate for G.711, per sample'),
  firstSampleAt: z.string(),
  lastSampleAt: z.string(),
};

/** `GET /api/calls[/{id}]`: the figures so far, for supervisors and admins only (absent for agents). */
export const liveQualitySchema = z
  .object({
    poor: z.boolean().describe('a leg is reported poor now (MOS below QUALITY_POOR_MOS, not recovered yet)'),
    legs: z.array(z.object({ ...legShape, poor: z.boolean() })),
  })
  .nullable()
  .describe('live RTP quality per answered leg (null: not sampled yet); supervisors and admins only');

/** A call log's stored figures (null: the call was never sampled, e.g. not answered). */
export const storedQualitySchema = z
  .object({
    mosMin: z.number().describe('the lowest MOS of any leg'),
    legs: z.array(z.object({ ...legShape, poorAlerts: z.number().int().describe('times reported poor') })),
  })
  .nullable()
  .describe('RTP quality per leg, sampled while the call ran');
