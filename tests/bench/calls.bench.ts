/**
 * Calls through the controller and the ARI double (issue 3): complete call cycles per second with a closed loop of
 * callers, and the controller's added latency from a phone's StasisStart to the originate of the callee's leg,
 * measured by the double itself (`AriDouble.observe`) and step by step by the controller (`SetupTrace`, issue 16). The double runs in a child process (a real Asterisk is another
 * process too); the controller runs on real PostgreSQL and Redis. Figures only, no assertions on time.
 */
import type { DoubleTrace } from '../ari-double/index.js';
import { startCallsRig, type CallsRig, type Pair } from './calls-rig.js';
import { percentiles } from './load.js';

const PAIRS = Number(process.env.BENCH_CALL_PAIRS ?? 500);
const CYCLE_SECONDS = Number(process.env.BENCH_CALL_SECONDS ?? 8);
const CONCURRENCY = [1, 10, 50];
/** Simultaneous dial-ins and how many rounds of each (pooled into one p50/p99). */
const SIMULTANEOUS: [number, number][] = [
  [1, 30],
  [50, 4],
  [500, 1],
];

const f = (n: number) => n.toFixed(2);
const pct = (values: number[]) => {
  const p = percentiles(values);
  return `p50 ${f(p.p50ms)} ms  p99 ${f(p.p99ms)} ms`;
};

interface CycleResult {
  concurrency: number;
  cycles: number;
  errors: number;
  seconds: number;
  setupMs: number[];
  cycleMs: number[];
}

/** One caller's loop: dial → call.answered (setup) → caller hangs up → call.ended, until the deadline. */
async function caller(rig: CallsRig, pair: Pair, deadline: number, out: CycleResult): Promise<void> {
  while (performance.now() < deadline) {
    const answered = rig.next('call.answered', pair, 5000);
    const ended = rig.next('call.ended', pair, 10_000);
    const t0 = performance.now();
    await rig.double.request({ op: 'dial', calls: [{ from: pair.caller, to: pair.callee }] });
    const view = await answered;
    if (view) out.setupMs.push(performance.now() - t0);
    await rig.double.request({ op: 'hangup', phones: view ? [pair.caller] : [pair.caller, pair.callee] });
    const end = await ended;
    if (view && end?.disposition === 'answered') {
      out.cycles++;
      out.cycleMs.push(performance.now() - t0);
    } else out.errors++;
  }
}

async function callCycles(rig: CallsRig, concurrency: number): Promise<CycleResult> {
  const out: CycleResult = { concurrency, cycles: 0, errors: 0, seconds: 0, setupMs: [], cycleMs: [] };
  const started = performance.now();
  const deadline = started + CYCLE_SECONDS * 1000;
  await Promise.all(rig.pairs.slice(0, concurrency).map((pair) => caller(rig, pair, deadline, out)));
  out.seconds = (performance.now() - started) / 1000;
  return out;
}

function printCycles(r: CycleResult): void {
  console.log(
    `call cycles (c=${r.concurrency})`.padEnd(24) +
      `${String(r.cycles).padStart(6)} calls  ${f(r.cycles / r.seconds).padStart(7)} calls/s  ` +
      `setup ${pct(r.setupMs)}  full cycle ${pct(r.cycleMs)}  errors ${r.errors}`,
  );
}

/** Per call, from the double's clock: its phone's StasisStart and the originate of its callee's leg. */
interface DialTimes {
  inbound: number;
  originate: number;
}

function dialTimes(records: DoubleTrace[], pairs: Pair[]): DialTimes[] {
  const byCallee = new Map<string, Partial<DialTimes>>();
  for (const r of records) {
    if (r.kind === 'stasis-start' && r.origin === 'inbound' && r.args[0]) {
      byCallee.set(r.args[0], { ...byCallee.get(r.args[0]), inbound: r.at });
    } else if (r.kind === 'originate-request' && byCallee.get(r.endpointId)?.originate === undefined)
      byCallee.set(r.endpointId, { ...byCallee.get(r.endpointId), originate: r.at });
  }
  return pairs.flatMap((pair) => {
    const t = byCallee.get(pair.callee);
    if (t?.inbound === undefined || t.originate === undefined) return [];
    return [{ inbound: t.inbound, originate: t.originate }];
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

interface RoundResult {
  times: DialTimes[];
  dialled: boolean;
  ended: number;
}

/** `pairs.length` phones dial at once (callees ring, never answer); then every caller hangs up. */
async function dialRound(rig: CallsRig, pairs: Pair[]): Promise<RoundResult> {
  const records: DoubleTrace[] = [];
  rig.double.onTrace((batch) => records.push(...batch));
  await rig.double.request({ op: 'observe', on: true });
  const ended = pairs.map((pair) => rig.next('call.ended', pair, 60_000));
  await rig.double.request({ op: 'dial', calls: pairs.map((p) => ({ from: p.caller, to: p.callee })) });
  const dials = () => records.filter((r) => r.kind === 'originate-request').length;
  const dialled = await until(() => dials() >= pairs.length, 60_000);
  await rig.double.request({ op: 'observe', on: false });
  await rig.double.request({ op: 'hangup', phones: pairs.map((p) => p.caller) });
  const endedCount = (await Promise.all(ended)).filter(Boolean).length;
  const stats = () => rig.double.request<{ channels: number }>({ op: 'stats' });
  await until(async () => (await stats()).channels === 0, 10_000);
  return { times: dialTimes(records, pairs), dialled, ended: endedCount };
}

/** `rounds` rounds of `n` simultaneous dial-ins, pooled. */
async function dialLatency(rig: CallsRig, n: number, rounds: number): Promise<void> {
  const results: RoundResult[] = [];
  rig.steps.clear();
  for (let i = 0; i < rounds; i++) results.push(await dialRound(rig, rig.pairs.slice(0, n)));
  const times = results.flatMap((r) => r.times);
  const total = n * rounds;
  const timedOut = results.some((r) => !r.dialled) ? ' (timed out)' : '';
  const ended = results.reduce((sum, r) => sum + r.ended, 0);
  console.log(
    `StasisStart → originate, ${n} at once × ${rounds}: ${times.length}/${total} originated${timedOut}, ` +
      `${ended}/${total} ended after the callers hung up`,
  );
  console.log(
    `  ${"total (the double's clock): phone's StasisStart → its callee's originate".padEnd(72)} ${pct(times.map((t) => t.originate - t.inbound))}`,
  );
  console.log(`  the controller's steps (its own clock, ${rig.steps.complete().length} calls):`);
  for (const line of rig.steps.lines()) console.log(`  ${line}`);
}

/**
 * Issue 12: a callee with five accounts rung at once (desk, webphone, three devices): from the phone's StasisStart to
 * each of its five originates, one call at a time (the one-target figure is the `1 at once` line above).
 */
async function wideLatency(rig: CallsRig, rounds: number): Promise<void> {
  const pair = { caller: rig.pairs[0]!.caller, callee: rig.wide.callee };
  const first: number[] = [];
  const last: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const records: DoubleTrace[] = [];
    rig.double.onTrace((batch) => records.push(...batch));
    await rig.double.request({ op: 'observe', on: true });
    const ended = rig.next('call.ended', pair, 30_000);
    await rig.double.request({ op: 'dial', calls: [{ from: pair.caller, to: pair.callee }] });
    const originates = () => records.filter((r) => r.kind === 'originate-request');
    await until(() => originates().length >= rig.wide.accounts.length, 10_000);
    await rig.double.request({ op: 'observe', on: false });
    await rig.double.request({ op: 'hangup', phones: [pair.caller] });
    await ended;
    const inbound = records.find((r) => r.kind === 'stasis-start' && r.origin === 'inbound')?.at;
    const times = originates().map((r) => r.at);
    if (inbound === undefined || times.length < rig.wide.accounts.length) continue;
    first.push(Math.min(...times) - inbound);
    last.push(Math.max(...times) - inbound);
  }
  console.log(`StasisStart → originate, one user with ${rig.wide.accounts.length} simultaneous targets × ${rounds}: ${last.length} complete`);
  console.log(`  ${'first leg originated'.padEnd(72)} ${pct(first)}`);
  console.log(`  ${'every leg originated (the fifth)'.padEnd(72)} ${pct(last)}`);
}

export async function benchCalls(): Promise<void> {
  const bootStarted = performance.now();
  const rig = await startCallsRig(PAIRS);
  try {
    console.log(
      `${PAIRS} caller/callee pairs provisioned and registered in ${f((performance.now() - bootStarted) / 1000)} s ` +
        `(desk phones only: each call's webphone leg fails with 500, as for a user without a webphone)`,
    );
    for (const concurrency of CONCURRENCY) {
      if (concurrency <= PAIRS) printCycles(await callCycles(rig, concurrency));
    }
    await rig.double.request({ op: 'answer-mode', phones: rig.pairs.map((p) => p.callee), mode: 'manual' });
    for (const [n, rounds] of SIMULTANEOUS) if (n <= PAIRS) await dialLatency(rig, n, rounds);
    await wideLatency(rig, 30);
  } finally {
    await rig.close();
  }
}
