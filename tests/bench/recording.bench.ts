/**
 * Call recording (issue 17) through the ARI double in-process: the start latency (`POST /api/calls/{id}/recording` →
 * `recording.started` on the bus, i.e. Asterisk's RecordingStarted), p50/p99 over 20 calls; then 50 calls recorded at
 * once for 5 s: the CPU the process spent (controller and the in-process double, which renders each WAV) from the
 * starts to the last segment saved, and the files written. Prints figures, asserts nothing about time.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { SimPhone } from '../ari-double/index.js';
import { apiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';
import { detail, latencyRows, type BenchRow } from './bench-row.js';
import { metered } from './cpu-meter.js';
import { percentiles } from './load.js';

const CALLS = Number(process.env.BENCH_RECORDED_CALLS ?? 50);
const LATENCY_CALLS = Number(process.env.BENCH_RECORDING_STARTS ?? 20);
const HOLD_MS = 5000;

export async function benchRecording(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-recordings-'));
  const t = await startTelephony({ config: { RECORDINGS_DIR: dir } });
  try {
    const callers: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      await t.addUser('agent', String(6000 + i));
      await t.addUser('agent', String(7000 + i));
      callers.push(String(6000 + i));
    }
    const boss = await t.addUser('admin', '6999');
    await t.start();
    const phones: SimPhone[] = [];
    for (let i = 0; i < CALLS; i++) {
      phones.push(await t.phone(String(6000 + i)));
      await t.phone(String(7000 + i));
    }
    const admin = apiClient(t.app, await login(t.app, boss.username, boss.password));
    const seen: { event: AnyPbxEvent; at: number }[] = [];
    t.app.bus.subscribe((event) => seen.push({ event, at: performance.now() }));
    const answeredCall = async (i: number) => {
      const mark = seen.length;
      phones[i]!.dial(String(7000 + i));
      const found = await eventually(
        () =>
          seen
            .slice(mark)
            .find(
              (s) =>
                s.event.type === 'call.answered' &&
                (s.event.data as { from: { number: string } }).from.number === String(6000 + i),
            ),
        5000,
        'call.answered',
      );
      return (found.event.data as { id: string }).id;
    };

    // 1. Start latency, one call at a time.
    const latencies: number[] = [];
    const { limit } = await metered(
      async () => {
        for (let n = 0; n < LATENCY_CALLS; n++) {
          const callId = await answeredCall(0);
          const mark = seen.length;
          const sent = performance.now();
          const response = await admin.post(`/api/calls/${callId}/recording`, { action: 'start' });
          if (response.statusCode !== 200) throw new Error(`start: ${response.body}`);
          const started = await eventually(
            () => seen.slice(mark).find((s) => s.event.type === 'recording.started'),
            5000,
          );
          latencies.push(started.at - sent);
          phones[0]!.hangup();
          await eventually(() => seen.slice(mark).find((s) => s.event.type === 'recording.stopped'), 5000);
          await eventually(() => t.double.channels().length === 0, 5000, 'all gone');
        }
      },
      'round trips to the double',
      { controllerName: 'controller + in-process double' },
    );
    const f = (x: number) => x.toFixed(1);
    const { p50ms, p99ms, maxMs } = percentiles(latencies);
    detail(
      `recording start (API request → recording.started, ${LATENCY_CALLS} calls)  p50 ${f(p50ms)} ms  p99 ${f(p99ms)} ms  max ${f(maxMs)} ms`,
    );

    // 2. 50 concurrent recorded calls.
    const before = new Set(readdirSync(dir));
    const callIds = await Promise.all(callers.map((_, i) => answeredCall(i)));
    const mark = seen.length;
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const starts = await Promise.all(
      callIds.map((id) => admin.post(`/api/calls/${id}/recording`, { action: 'start' })),
    );
    const refused = starts.filter((r) => r.statusCode !== 200).length;
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    for (const phone of phones) phone.hangup();
    await eventually(
      () => seen.slice(mark).filter((s) => s.event.type === 'recording.stopped').length >= CALLS - refused,
      20_000,
      'every recording saved',
    );
    const used = process.cpuUsage(cpu);
    const elapsed = performance.now() - wall;
    const files = readdirSync(dir).filter((name) => !before.has(name) && name.endsWith('.wav'));
    const bytes = files.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    const cpuMs = (used.user + used.system) / 1000;
    detail(
      `${CALLS} concurrent recorded calls, ${HOLD_MS / 1000} s each: CPU ${f(cpuMs)} ms over ${f(elapsed)} ms wall ` +
        `(${f((cpuMs / elapsed) * 100)} % of one core, controller + in-process double), ${files.length} files, ` +
        `${(bytes / 1e6).toFixed(2)} MB written, ${refused} refused`,
    );
    return [
      ...latencyRows('recording start (API → recording.started)', latencies, limit),
      {
        name: `${CALLS} recorded calls at once: CPU (controller + in-process double)`,
        value: (cpuMs / elapsed) * 100,
        unit: '% core',
      },
      { name: `${CALLS} recorded calls at once: files saved`, value: files.length, unit: `of ${CALLS}` },
    ];
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
