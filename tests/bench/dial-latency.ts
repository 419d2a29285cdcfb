/**
 * The controller's added latency from a phone's StasisStart to the originate of its callee's leg, measured by the
 * double itself (`AriDouble.observe`, the double's clock), with `n` phones dialling at once.
 */
import type { DoubleTrace } from '../ari-double/index.js';
import type { CallsRig, Pair } from './calls-rig.js';

/** Per call, from the double's clock: its phone's StasisStart and the originate of its callee's leg. */
export interface DialTimes {
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

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export interface RoundResult {
  times: DialTimes[];
  dialled: boolean;
  ended: number;
}

/** `pairs.length` phones dial at once (callees ring, never answer); then every caller hangs up. */
export async function dialRound(rig: CallsRig, pairs: Pair[]): Promise<RoundResult> {
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

/**
 * Issue 12: a callee with five accounts rung at once (desk, webphone, three devices): from the phone's StasisStart to
 * the first and to the last of its five originates, one call at a time.
 */
export async function wideLatency(
  rig: CallsRig,
  rounds: number,
): Promise<{ first: number[]; last: number[] }> {
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
  return { first, last };
}
