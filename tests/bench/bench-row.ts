/** One figure of `npm run bench`: what was measured, its value and unit, and what held it back. */
import { percentiles } from './load.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** What limited the figure (CPU, the double, PostgreSQL, Redis, Asterisk, round trips…), as judged by the bench. */
  limit?: string;
}

/** A bench part: runs, and returns its rows (detail lines only with BENCH_VERBOSE=1). */
export type Bench = () => Promise<BenchRow[]>;

export const verbose = process.env.BENCH_VERBOSE === '1';

/** A detail line, printed only with BENCH_VERBOSE=1 (the table is the result). */
export function detail(line: string): void {
  if (verbose) console.log(`  ${line}`);
}

/** The p50 and p99 of `values` (ms) as two rows named `${name} p50` / `${name} p99`. */
export function latencyRows(name: string, values: number[], limit?: string): BenchRow[] {
  const p = percentiles(values);
  return [
    { name: `${name} p50`, value: p.p50ms, unit: 'ms', limit },
    { name: `${name} p99`, value: p.p99ms, unit: 'ms', limit },
  ];
}

/** The same limit on every row that has none yet. */
export const limitedBy = (rows: BenchRow[], limit: string): BenchRow[] =>
  rows.map((row) => ({ ...row, limit: row.limit ?? limit }));
