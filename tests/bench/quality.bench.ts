/**
 * Call quality (issue 17): the cost of one sampling round with N answered calls (default 500: 1000 legs, one ARI read
 * of `CHANNEL(rtcp,all,audio)` each, against the ARI double in its own process). Prints the controller process's CPU
 * time (user + system) and the wall time per round over 10 rounds, and per leg; asserts nothing about time.
 */
import { detail, type BenchRow } from './bench-row.js';
import { percentiles } from './load.js';
import { startCallsRig } from './calls-rig.js';

const CALLS = Number(process.env.BENCH_QUALITY_CALLS ?? 500);
const ROUNDS = Number(process.env.BENCH_QUALITY_ROUNDS ?? 10);

export async function benchQuality(): Promise<BenchRow[]> {
  // The timer is set far out: the bench runs the rounds itself.
  const rig = await startCallsRig(CALLS, { quality: { sampleMs: 3_600_000 } });
  try {
    const sampler = rig.app.quality?.sampler;
    if (!sampler) throw new Error('no quality sampler (no ARI connection?)');
    const pairs = rig.pairs.slice(0, CALLS);
    const answered = pairs.map((pair) => rig.next('call.answered', pair, 60_000));
    await rig.double.request({ op: 'dial', calls: pairs.map((p) => ({ from: p.caller, to: p.callee })) });
    const views = (await Promise.all(answered)).filter((view) => view !== undefined);
    const up = views.length;
    await sampler.sample(); // warm-up (first reading of every leg)
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      const before = process.cpuUsage();
      await sampler.sample();
      const used = process.cpuUsage(before);
      wall.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
    }
    const legs = up * 2;
    const sampled = views.reduce((n, view) => n + (sampler.legsOf(view.id)?.length ?? 0), 0);
    const c = percentiles(cpu);
    const w = percentiles(wall);
    const f = (n: number) => n.toFixed(1);
    detail(
      `sampling round, ${up}/${CALLS} answered calls (${legs} legs, ${sampled} with figures) × ${ROUNDS}: controller CPU p50 ${f(c.p50ms)} ms ` +
        `(max ${f(c.maxMs)}), wall p50 ${f(w.p50ms)} ms (max ${f(w.maxMs)}); ` +
        `${((c.p50ms * 1000) / Math.max(1, legs)).toFixed(0)} µs CPU per leg; ` +
        `at QUALITY_SAMPLE_SECONDS=5: ${((c.p50ms / 5000) * 100).toFixed(2)} % of one core`,
    );
    const ended = pairs.map((pair) => rig.next('call.ended', pair, 60_000));
    await rig.double.request({ op: 'hangup', phones: pairs.map((p) => p.caller) });
    await Promise.all(ended);
    const label = `quality sampling round, ${up} answered calls (${legs} legs)`;
    return [
      {
        name: `${label}: controller CPU p50`,
        value: c.p50ms,
        unit: 'ms',
        limit: 'CPU (controller: each leg is one ARI read)',
      },
      { name: `${label}: wall p50`, value: w.p50ms, unit: 'ms', limit: 'round trips to the double' },
      {
        name: 'quality sampling: controller CPU per leg',
        value: (c.p50ms * 1000) / Math.max(1, legs),
        unit: 'µs',
      },
    ];
  } finally {
    await rig.close();
  }
}
