/**
 * Calls through the controller and the ARI double (issue 3): complete call cycles per second with a closed loop of
 * callers, and the controller's added latency from a phone's StasisStart to the originate of the callee's leg,
 * measured by the double itself (`AriDouble.observe`) and step by step by the controller (`SetupTrace`, issue 16;
 * the per-step p50 at one set-up at a time are rows too). The double runs in a child process (a real Asterisk is
 * another process too); the controller runs on real PostgreSQL and Redis. Figures only, no assertions on time.
 */
import { detail, latencyRows, limitedBy, type BenchRow } from './bench-row.js';
import { callCycles } from './call-cycles.js';
import { startCallsRig, type CallsRig } from './calls-rig.js';
import { metered } from './cpu-meter.js';
import { dialRound, wideLatency, type RoundResult } from './dial-latency.js';
import { percentiles } from './load.js';

const PAIRS = Number(process.env.BENCH_CALL_PAIRS ?? 500);
const CYCLE_SECONDS = Number(process.env.BENCH_CALL_SECONDS ?? 6);
const CONCURRENCY = [1, 10, 50];
/** Simultaneous dial-ins and how many rounds of each (pooled into one p50/p99). */
const SIMULTANEOUS: [number, number][] = [
  [1, 30],
  [50, 4],
  [500, 1],
];

const f = (n: number) => n.toFixed(2);

async function cycleRows(rig: CallsRig, concurrency: number): Promise<BenchRow[]> {
  const { result: r, limit } = await metered(
    () => callCycles(rig, rig.pairs.slice(0, concurrency), CYCLE_SECONDS),
    'round trips to the double',
    { doublePid: rig.double.pid },
  );
  const setup = percentiles(r.setupMs);
  detail(
    `call cycles (c=${concurrency}): ${r.cycles} calls, setup p50 ${f(setup.p50ms)} ms, full cycle p50 ` +
      `${f(percentiles(r.cycleMs).p50ms)} ms, errors ${r.errors}`,
  );
  return [
    {
      name: `call cycles, closed loop c=${concurrency}: calls/s`,
      value: r.cycles / r.seconds,
      unit: 'calls/s',
      limit,
    },
    { name: `call cycles c=${concurrency}: dial → call.answered p99`, value: setup.p99ms, unit: 'ms', limit },
  ];
}

/** `rounds` rounds of `n` simultaneous dial-ins, pooled; at n=1 also the controller's own steps. */
async function dialRows(rig: CallsRig, n: number, rounds: number): Promise<BenchRow[]> {
  rig.steps.clear();
  const { result: results, limit } = await metered(
    async () => {
      const out: RoundResult[] = [];
      for (let i = 0; i < rounds; i++) out.push(await dialRound(rig, rig.pairs.slice(0, n)));
      return out;
    },
    'round trips to the double',
    { doublePid: rig.double.pid },
  );
  const times = results.flatMap((r) => r.times);
  const ended = results.reduce((sum, r) => sum + r.ended, 0);
  detail(
    `StasisStart → originate, ${n} at once × ${rounds}: ${times.length}/${n * rounds} originated` +
      `${results.some((r) => !r.dialled) ? ' (timed out)' : ''}, ${ended} ended after the callers hung up`,
  );
  for (const line of rig.steps.lines()) detail(line);
  const rows = latencyRows(
    `StasisStart → callee originate (double's clock), ${n} at once`,
    times.map((t) => t.originate - t.inbound),
    limit,
  );
  if (n === 1)
    rows.push(...rig.steps.p50Rows('set-up step at c=1, ', 'controller CPU (nothing awaited on this path)'));
  return rows;
}

export async function benchCalls(): Promise<BenchRow[]> {
  const bootStarted = performance.now();
  const rig = await startCallsRig(PAIRS);
  const rows: BenchRow[] = [];
  try {
    detail(
      `${PAIRS} caller/callee pairs provisioned and registered in ${f((performance.now() - bootStarted) / 1000)} s ` +
        `(desk phones only: each call's webphone leg fails with 500, as for a user without a webphone)`,
    );
    for (const concurrency of CONCURRENCY)
      if (concurrency <= PAIRS) rows.push(...(await cycleRows(rig, concurrency)));
    await rig.double.request({ op: 'answer-mode', phones: rig.pairs.map((p) => p.callee), mode: 'manual' });
    for (const [n, rounds] of SIMULTANEOUS) if (n <= PAIRS) rows.push(...(await dialRows(rig, n, rounds)));
    const { result: wide, limit } = await metered(() => wideLatency(rig, 30), 'round trips to the double', {
      doublePid: rig.double.pid,
    });
    detail(
      `one user with ${rig.wide.accounts.length} simultaneous targets × 30: ${wide.last.length} complete`,
    );
    rows.push(
      ...limitedBy(
        [
          {
            name: 'StasisStart → first of 5 simultaneous targets originated p50',
            value: percentiles(wide.first).p50ms,
            unit: 'ms',
          },
          {
            name: 'StasisStart → all 5 simultaneous targets originated p50',
            value: percentiles(wide.last).p50ms,
            unit: 'ms',
          },
        ],
        limit,
      ),
    );
  } finally {
    await rig.close();
  }
  return rows;
}
