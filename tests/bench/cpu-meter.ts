/**
 * Who was busy while a figure was measured: the controller process (this one), the ARI double's process, the
 * PostgreSQL and Redis servers (their CPU from /proc) and the whole machine; `judge` turns that into the table's
 * "limited by" column. A process at ~100 % of a core is what limits; when none is, the bench's own judgement
 * (`otherwise`: e.g. round trips, a lock) stands.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Percent of one core over the measured wall time (the machine: percent of all its cores). */
export interface CpuShare {
  controller: number;
  double?: number;
  postgres: number;
  redis: number;
  machine: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

/** The CPU ticks of every process whose name starts with `prefix` (PostgreSQL forks one per connection). */
function ticksOf(prefix: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith(prefix))
        total += processTicks(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Starts measuring; `stop()` gives the shares since. `doublePid`: the double's own process, if it has one. */
export function startCpuMeter(doublePid?: number): { stop(): CpuShare } {
  const started = performance.now();
  const own = process.cpuUsage();
  const double = doublePid ? processTicks(doublePid) : 0;
  const postgres = ticksOf('postgres');
  const redis = ticksOf('redis-server');
  const machine = machineTicks();
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(own);
      const share = (ticks: number) => (ticks / TICKS_PER_SECOND / seconds) * 100;
      const now = machineTicks();
      return {
        controller: ((used.user + used.system) / 1e6 / seconds) * 100,
        double: doublePid ? share(processTicks(doublePid) - double) : undefined,
        postgres: share(ticksOf('postgres') - postgres),
        redis: share(ticksOf('redis-server') - redis),
        machine: ((now.busy - machine.busy) / Math.max(1, now.total - machine.total)) * 100,
      };
    },
  };
}

/** The "limited by" verdict: the saturated process, else the machine, else the bench's own judgement. */
export function judge(share: CpuShare, otherwise: string, controllerName = 'controller'): string {
  const pct = (n: number) => `${n.toFixed(0)} %`;
  if (share.controller >= 85) return `CPU (${controllerName} ${pct(share.controller)})`;
  if ((share.double ?? 0) >= 85) return `the double (${pct(share.double!)} CPU)`;
  if (share.postgres >= 60) return `PostgreSQL (${pct(share.postgres)} CPU)`;
  if (share.redis >= 60) return `Redis (${pct(share.redis)} CPU)`;
  // Both cores busy, none of ours saturated: other work on the machine shares them (the figure is noisy).
  if (share.machine >= 90)
    return `CPU (machine ${pct(share.machine)} of ${cpus().length} cores; controller ${pct(share.controller)})`;
  return `${otherwise}; controller ${pct(share.controller)} CPU`;
}

/** Runs `fn` under a meter; the verdict comes with its result. */
export async function metered<T>(
  fn: () => Promise<T>,
  otherwise: string,
  options: { doublePid?: number; controllerName?: string } = {},
): Promise<{ result: T; limit: string; share: CpuShare }> {
  const meter = startCpuMeter(options.doublePid);
  const result = await fn();
  const share = meter.stop();
  return { result, share, limit: judge(share, otherwise, options.controllerName) };
}
