/** Loading the shared ARI recordings (one JSON object per line). */
import { readFileSync, readdirSync } from 'node:fs';

export const RECORDINGS_DIR = new URL('../../../shared/ari-recordings/', import.meta.url);

export type AriEvent = { type: string } & Record<string, unknown>;

export type Line =
  | { t: number; kind: 'event'; event: AriEvent }
  | {
      t: number;
      kind: 'rest';
      method: string;
      path: string;
      query?: Record<string, string>;
      body?: unknown;
      status: number;
      response: unknown;
      t_sent: number;
    }
  | { t: number; kind: 'phone'; phone: string; action: string }
  | { t: number; kind: 'ws'; action: 'open' | 'close'; url?: string };

export function recordingFiles(): string[] {
  return readdirSync(RECORDINGS_DIR)
    .filter((f) => /^\d\d-.*\.jsonl$/.test(f))
    .sort();
}

export function loadRecording(file: string): Line[] {
  return readFileSync(new URL(file, RECORDINGS_DIR), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);
}

/** When an action left the recorder: `t_sent` for REST calls, `t` otherwise. */
export function actionTime(line: Line): number {
  return line.kind === 'rest' ? line.t_sent : line.t;
}
