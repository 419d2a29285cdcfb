import { z } from 'zod';
import { STOCK_ANNOUNCEMENT } from './recording.rules.js';

export const segmentSchema = z.object({
  seq: z.number().int(),
  name: z.string().describe("Asterisk's recording name, call-<callId>-<seq>"),
  state: z.enum(['recording', 'saved', 'failed']),
  startedByUserId: z.uuid().nullable().describe('null: the team policy'),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  offsetSeconds: z.number().nullable().describe("where it begins in the recording's audio, once saved"),
  durationSeconds: z.number().nullable(),
  failure: z.string().nullable(),
});

export const recordingSchema = z.object({
  id: z.uuid(),
  callId: z.string(),
  state: z.enum(['recording', 'stopped', 'failed']),
  startedVia: z.enum(['phone', 'api', 'policy']),
  startedByUserId: z.uuid().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationSeconds: z.number().describe('seconds of audio saved, every segment'),
  sizeBytes: z.number().int(),
  failure: z.string().nullable().describe('why the last failed segment failed'),
  segments: z.array(segmentSchema),
});

export const recordingControlBody = z.strictObject({
  action: z.enum(['start', 'stop']).describe('start a new segment, or stop the one recording'),
});

export const callIdParams = z.object({ id: z.string().min(1).max(64) });
export const recordingIdParams = z.object({ id: z.uuid() });
export const teamIdParams = z.object({ id: z.uuid() });

const soundName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_/-]{0,63}$/, 'a stock sound name such as conf-now-recording')
  .refine((name) => !name.includes('..'), 'a stock sound name');

export const policyBody = z.strictObject({
  recordRoutedCalls: z.boolean(),
  announcement: z
    .array(soundName)
    .max(5)
    .optional()
    .describe(
      `stock sounds played into the call before recording; default ${STOCK_ANNOUNCEMENT.join(', ')}; [] for none`,
    ),
});

export const policySchema = z.object({
  teamId: z.uuid(),
  recordRoutedCalls: z.boolean(),
  announcement: z.array(z.string()),
});

export const annotationBody = z.strictObject({
  offsetSeconds: z.number().min(0).max(86_400).describe('where in the audio the note is about'),
  text: z.string().trim().min(1).max(2000),
});

export const annotationSchema = z.object({
  id: z.uuid(),
  recordingId: z.uuid(),
  authorUserId: z.uuid().nullable(),
  author: z.string(),
  offsetSeconds: z.number(),
  text: z.string(),
  createdAt: z.string(),
});

export const annotationListSchema = z.object({ items: z.array(annotationSchema) });
