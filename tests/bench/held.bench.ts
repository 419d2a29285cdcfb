/**
 * Calls held up (issue 15): 100, then 1,000, then 2,000 answered calls stay up through the ARI double (its own
 * process) while a closed loop of 10 more callers keeps setting calls up and tearing them down; per level the
 * cycles per second that loop sustains, the controller's event-loop lag p99 meanwhile
 * (`perf_hooks.monitorEventLoopDelay`) and its RSS (`process.memoryUsage().rss`; the part runs first in a full run, so
 * that no other part's garbage is in it). The controller runs as in
 * production (its quality sampler reads every held leg's RTCP each QUALITY_SAMPLE_SECONDS). Figures only.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { detail, type BenchRow } from './bench-row.js';
import { callCycles } from './call-cycles.js';
import { startCallsRig, type CallsRig, type Pair } from './calls-rig.js';
import { metered } from './cpu-meter.js';

const LEVELS = (process.env.BENCH_HELD_LEVELS ?? '100,1000,2000').split(',').map(Number);
const LOOP_CALLERS = 10;
const SECONDS = Number(process.env.BENCH_HELD_SECONDS ?? 6);
const BATCH = 100;

/** Dials `pairs` in batches (callees answer at once); resolves with how many were answered. */
async function holdUp(rig: CallsRig, pairs: Pair[]): Promise<number> {
  let answered = 0;
  for (let i = 0; i < pairs.length; i += BATCH) {
    const batch = pairs.slice(i, i + BATCH);
    const waits = batch.map((pair) => rig.next('call.answered', pair, 30_000));
    await rig.double.request({ op: 'dial', calls: batch.map((p) => ({ from: p.caller, to: p.callee })) });
    answered += (await Promise.all(waits)).filter(Boolean).length;
  }
  return answered;
}

async function level(rig: CallsRig, held: number, loop: Pair[]): Promise<BenchRow[]> {
  const label = `${held.toLocaleString('en-US')} answered calls held + closed loop of ${LOOP_CALLERS}`;
  const lag = monitorEventLoopDelay({ resolution: 2 });
  lag.enable();
  const { result: r, limit } = await metered(
    () => callCycles(rig, loop, SECONDS),
    'round trips to the double',
    {
      doublePid: rig.double.pid,
    },
  );
  lag.disable();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const { channels } = await rig.double.request<{ channels: number }>({ op: 'stats' });
  detail(`${label}: ${r.cycles} cycles, ${r.errors} errors, ${channels} channels in the double afterwards`);
  return [
    { name: `${label}: calls/s sustained`, value: r.cycles / r.seconds, unit: 'calls/s', limit },
    { name: `${label}: event-loop lag p99`, value: lag.percentile(99) / 1e6, unit: 'ms', limit },
    { name: `${label}: controller RSS`, value: rssMb, unit: 'MiB' },
  ];
}

export async function benchHeld(): Promise<BenchRow[]> {
  const most = Math.max(...LEVELS);
  const booted = performance.now();
  const rig = await startCallsRig(most + LOOP_CALLERS);
  const rows: BenchRow[] = [];
  try {
    detail(
      `${most + LOOP_CALLERS} pairs provisioned in ${((performance.now() - booted) / 1000).toFixed(1)} s`,
    );
    const holding = rig.pairs.slice(0, most);
    const loop = rig.pairs.slice(most);
    detail(`controller RSS with the rig idle: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
    let up = 0;
    for (const n of LEVELS) {
      const started = performance.now();
      const answered = await holdUp(rig, holding.slice(up, n));
      detail(
        `${answered}/${n - up} more calls answered in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      up = n;
      rows.push(...(await level(rig, n, loop)));
    }
    const ended = holding.map((pair) => rig.next('call.ended', pair, 60_000));
    await rig.double.request({ op: 'hangup', phones: holding.map((p) => p.caller) });
    detail(`${(await Promise.all(ended)).filter(Boolean).length}/${most} held calls ended`);
  } finally {
    await rig.close();
  }
  return rows;
}
