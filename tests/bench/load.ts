/** A small closed-loop load generator: `concurrency` workers call `request` until `durationMs` has passed. */
export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
}

export async function runLoad(
  name: string,
  request: () => Promise<boolean>,
  options: { concurrency: number; durationMs: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const ok = await request().catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { name, requests: latencies.length, errors, seconds, perSecond: latencies.length / seconds, ...percentiles(latencies) };
}

export function percentiles(values: number[]): { p50ms: number; p99ms: number; maxMs: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50ms: at(0.5), p99ms: at(0.99), maxMs: sorted[sorted.length - 1] ?? 0 };
}

export function printResult(r: LoadResult): void {
  const f = (n: number) => n.toFixed(2);
  console.log(
    `${r.name.padEnd(44)} ${String(r.requests).padStart(7)} req  ${f(r.perSecond).padStart(9)} req/s  ` +
      `p50 ${f(r.p50ms)} ms  p99 ${f(r.p99ms)} ms  max ${f(r.maxMs)} ms  errors ${r.errors}`,
  );
}
