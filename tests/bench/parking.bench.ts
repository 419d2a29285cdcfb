/**
 * Parking under contention (issue 4): 500 park requests at once (`POST /api/parking/park` of 500 answered calls)
 * against the 99 slots, through a listening server, the real PostgreSQL allocation and the ARI double in its own
 * process; a request returns once the double reported the parked channel in its slot's bridge. Rows: p50/p99 of
 * all 500, how many were parked and refused (parking-full), duplicates (a slot given twice, a channel in two slots
 * or bridges), and the latency of parks one at a time. Asserts nothing about time.
 */
import { sql } from 'kysely';
import { insertUser, login } from '../helpers/test-app.js';
import { detail, latencyRows, type BenchRow } from './bench-row.js';
import { startCallsRig, type CallsRig, type Pair } from './calls-rig.js';
import { metered } from './cpu-meter.js';
import { until } from './dial-latency.js';

const REQUESTS = Number(process.env.BENCH_PARK_REQUESTS ?? 500);
/** Parked one at a time first (then hung up), for the uncontended latency. */
const ONE_BY_ONE = 20;

interface Result {
  status: number;
  slot?: string;
  code?: string;
  ms: number;
}

/** Every pair's call, answered; resolves with the call ids (in pair order; undefined if not answered). */
async function answeredCalls(rig: CallsRig, pairs: Pair[]): Promise<(string | undefined)[]> {
  const answered = pairs.map((pair) => rig.next('call.answered', pair, 30_000));
  await rig.double.request({ op: 'dial', calls: pairs.map((p) => ({ from: p.caller, to: p.callee })) });
  return (await Promise.all(answered)).map((view) => view?.id);
}

const heldRows = async (rig: CallsRig) =>
  (
    await sql<{ slot: string; channel_id: string }>`
      SELECT slot, channel_id FROM park_slots WHERE park_id IS NOT NULL`.execute(rig.db)
  ).rows;

export async function benchParking(): Promise<BenchRow[]> {
  const rig = await startCallsRig(ONE_BY_ONE + REQUESTS);
  try {
    const admin = await insertUser(rig.db, { role: 'admin', username: 'bench-park-admin' });
    const address = await rig.app.server.listen({ host: '127.0.0.1', port: 0 });
    const headers = {
      ...(await login(rig.app, admin.username, admin.password)),
      'content-type': 'application/json',
    };
    const park = async (callId: string | undefined): Promise<Result> => {
      const t0 = performance.now();
      const response = await fetch(`${address}/api/parking/park`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ callId: callId ?? 'not-answered' }),
      });
      const body = (await response.json()) as { slot?: string; error?: { code: string } };
      return { status: response.status, slot: body.slot, code: body.error?.code, ms: performance.now() - t0 };
    };
    const first = rig.pairs.slice(0, ONE_BY_ONE);
    const single: number[] = [];
    for (const callId of await answeredCalls(rig, first)) single.push((await park(callId)).ms);
    await rig.double.request({ op: 'hangup', phones: first.flatMap((p) => [p.caller, p.callee]) });
    await until(async () => (await heldRows(rig)).length === 0, 10_000);

    const callIds = await answeredCalls(rig, rig.pairs.slice(ONE_BY_ONE));
    const started = performance.now();
    const { result: results, limit } = await metered(
      () => Promise.all(callIds.map((id) => park(id))),
      'PostgreSQL (the slot rows, locked)',
      { doublePid: rig.double.pid },
    );
    detail(
      `${results.length} park requests at once in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return await report(rig, results, single, limit);
  } finally {
    await rig.close();
  }
}

async function report(
  rig: CallsRig,
  results: Result[],
  single: number[],
  limit: string,
): Promise<BenchRow[]> {
  const rows = await heldRows(rig);
  const parked = results.filter((r) => r.status === 201);
  const full = results.filter((r) => r.code === 'parking-full');
  const other = results.filter((r) => r.status !== 201 && r.code !== 'parking-full');
  if (other.length > 0)
    detail(`other answers: ${[...new Set(other.map((r) => `${r.status} ${r.code}`))].join(', ')}`);
  const bridges = await rig.double.request<{ name: string; channels: string[] }[]>({ op: 'bridges' });
  const parkBridges = bridges.filter((b) => /^park-7\d\d$/.test(b.name));
  const bridged = parkBridges.flatMap((b) => b.channels);
  const duplicates =
    parked.length -
    new Set(parked.map((r) => r.slot)).size +
    (rows.length - new Set(rows.map((row) => row.channel_id)).size) +
    (bridged.length - new Set(bridged).size) +
    parkBridges.filter((b) => b.channels.length !== 1).length;
  detail(`${rows.length} slot rows held, ${parkBridges.length} park bridges`);
  const n = results.length;
  return [
    ...latencyRows(
      `park, ${n} requests at once against 99 slots: every request`,
      results.map((r) => r.ms),
      limit,
    ),
    ...latencyRows(
      `park, ${n} at once: parked (request → bridge confirmed)`,
      parked.map((r) => r.ms),
      limit,
    ),
    { name: `park, ${n} at once: parked`, value: parked.length, unit: 'of 99' },
    { name: `park, ${n} at once: refused parking-full`, value: full.length, unit: `of ${n - 99}` },
    { name: `park, ${n} at once: other answers`, value: other.length, unit: 'requests' },
    { name: `park, ${n} at once: duplicates (slot, channel or bridge)`, value: duplicates, unit: 'count' },
    ...latencyRows(`park, one at a time (${single.length})`, single, 'round trips (PostgreSQL, the double)'),
  ];
}
