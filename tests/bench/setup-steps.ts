import { SETUP_STEPS, type SetupStep, type SetupTrace } from '../../controller/features/calls/setup-trace.js';
import type { BenchRow } from './bench-row.js';
import { percentiles } from './load.js';

/** The stretches of a call's set-up that are printed, each from one step to the next one on the path. */
const STRETCHES: [SetupStep, SetupStep, string, string?][] = [
  ['stasis-start', 'looked-up', 'lookups (the directory, in memory)'],
  ['looked-up', 'decided', 'queue + decide'],
  ['decided', 'originate-sent', 'decided → originate sent'],
  ['stasis-start', 'originate-sent', "total: caller's StasisStart → originate sent"],
  ['decided', 'saved', 'decided → state in Redis (off the path)', 'Redis round trip (off the set-up path)'],
];

/** Collects the controller's set-up steps per call (`SetupTrace`), keeping each step's first time. */
export function createSetupSteps() {
  const calls = new Map<string, Partial<Record<SetupStep, number>>>();
  const trace: SetupTrace = (callId, step, at) => {
    const steps = calls.get(callId) ?? {};
    if (steps[step] === undefined) steps[step] = at;
    calls.set(callId, steps);
  };
  return {
    trace,
    clear: () => calls.clear(),
    /** Every call's steps, as recorded. */
    all: () => [...calls.entries()],
    /** Calls that got through every step. */
    complete: () => [...calls.values()].filter((steps) => SETUP_STEPS.every((s) => steps[s] !== undefined)),
    /** One line per stretch: p50 / p99 over the complete calls. */
    lines(): string[] {
      const complete = this.complete();
      return STRETCHES.map(([from, to, label]) => {
        const values = complete.map((steps) => steps[to]! - steps[from]!);
        const p = percentiles(values);
        return `  ${label.padEnd(52)} p50 ${p.p50ms.toFixed(2)} ms  p99 ${p.p99ms.toFixed(2)} ms`;
      });
    },
    /** One row per stretch: its p50 over the complete calls (the controller's own clock). */
    p50Rows(prefix: string, limit?: string): BenchRow[] {
      const complete = this.complete();
      return STRETCHES.map(([from, to, label, stretchLimit]) => ({
        name: `${prefix}${label}: p50`,
        value: percentiles(complete.map((steps) => steps[to]! - steps[from]!)).p50ms,
        unit: 'ms',
        limit: stretchLimit ?? limit,
      }));
    },
    /** The median of one stretch (ms). */
    median(from: SetupStep, to: SetupStep): number {
      return percentiles(this.complete().map((steps) => steps[to]! - steps[from]!)).p50ms;
    },
  };
}

export type SetupSteps = ReturnType<typeof createSetupSteps>;
