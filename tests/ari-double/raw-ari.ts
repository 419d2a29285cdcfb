/** For the double's own tests: an app WebSocket that records every event, and REST calls that keep the status. */
import { WebSocket } from 'ws';
import type { AriDouble } from './index.js';

export type RawEvent = { type: string } & Record<string, unknown>;

export interface RawAri {
  events: RawEvent[];
  rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Resolves with the first event (from `from` on) matching `test`. */
  waitFor(test: (e: RawEvent) => boolean, from?: number, timeoutMs?: number): Promise<RawEvent>;
  close(): void;
}

export async function connectRawAri(double: AriDouble, app = 'pbx'): Promise<RawAri> {
  const ws = new WebSocket(`${double.url.replace('http', 'ws')}/ari/events?app=${app}&api_key=ari:ari`);
  const events: RawEvent[] = [];
  ws.on('message', (data: Buffer) => events.push(JSON.parse(data.toString('utf8')) as RawEvent));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const auth = `Basic ${Buffer.from('ari:ari').toString('base64')}`;
  return {
    events,
    async rest(method, path, body) {
      const res = await fetch(`${double.url}/ari${path}`, {
        method,
        headers: { Authorization: auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    async waitFor(test, from = 0, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.slice(from).find(test);
        if (found) return found;
        if (Date.now() > deadline) throw new Error('event not received in time');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: () => ws.close(),
  };
}

export const channelOf = (e: RawEvent): { id: string; caller: unknown; connected: unknown } =>
  e.channel as { id: string; caller: unknown; connected: unknown };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
