/** Complete call cycles in a closed loop (dial → call.answered → the caller hangs up → call.ended), per caller. */
import type { CallsRig, Pair } from './calls-rig.js';

export interface CycleResult {
  callers: number;
  cycles: number;
  errors: number;
  seconds: number;
  setupMs: number[];
  cycleMs: number[];
}

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

/** Each pair's caller calls its callee again and again (callees answer at once) for `seconds`. */
export async function callCycles(rig: CallsRig, pairs: Pair[], seconds: number): Promise<CycleResult> {
  const out: CycleResult = {
    callers: pairs.length,
    cycles: 0,
    errors: 0,
    seconds: 0,
    setupMs: [],
    cycleMs: [],
  };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(pairs.map((pair) => caller(rig, pair, deadline, out)));
  out.seconds = (performance.now() - started) / 1000;
  return out;
}
