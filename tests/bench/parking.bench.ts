/**
 * Parking under contention (issue 4): 500 park requests at once against the 99 slots, through a listening server,
 * the real PostgreSQL allocation and the ARI double (in-process). Each request parks a different channel waiting in
 * Stasis; a request returns once the double reported the channel in its slot's bridge. Prints the outcome counts,
 * duplicates (a slot given twice, a channel in two slots) and p50/p99 latency, plus the latency of parks one at a
 * time; asserts nothing about time.
 */
import { sql } from 'kysely';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { eventually, startTelephony, type Telephony } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';
import { percentiles } from './load.js';

const REQUESTS = Number(process.env.BENCH_PARK_REQUESTS ?? 500);
/** Parked one at a time first (then hung up), for the uncontended latency. */
const ONE_BY_ONE = 20;

interface Waiting {
  phone: SimPhone;
  call: PhoneCall;
  channelId: string;
}

interface Result {
  status: number;
  slot?: string;
  code?: string;
  ms: number;
}

export async function benchParking(): Promise<void> {
  const t = await startTelephony();
  try {
    const admin = await t.addUser('admin', '1000');
    await t.start();
    const waiting = await waitingChannels(t, ONE_BY_ONE + REQUESTS);
    const address = await t.app.server.listen({ host: '127.0.0.1', port: 0 });
    const headers = {
      ...(await login(t.app, admin.username, admin.password)),
      'content-type': 'application/json',
    };
    const park = async (channelId: string): Promise<Result> => {
      const t0 = performance.now();
      const response = await fetch(`${address}/api/parking/park`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ channelId }),
      });
      const body = (await response.json()) as { slot?: string; error?: { code: string } };
      return { status: response.status, slot: body.slot, code: body.error?.code, ms: performance.now() - t0 };
    };

    const single: number[] = [];
    for (const w of waiting.slice(0, ONE_BY_ONE)) single.push((await park(w.channelId)).ms);
    for (const w of waiting.slice(0, ONE_BY_ONE)) w.phone.hangup(w.call);
    await eventually(async () => (await heldRows(t)).length === 0, 10_000, 'the one-by-one parks freed');

    const started = performance.now();
    const results = await Promise.all(waiting.slice(ONE_BY_ONE).map((w) => park(w.channelId)));
    const seconds = (performance.now() - started) / 1000;
    report(t, results, single, seconds, await heldRows(t));
  } finally {
    await t.close();
  }
}

const heldRows = async (t: Telephony) =>
  (
    await sql<{
      slot: string;
      channel_id: string;
    }>`SELECT slot, channel_id FROM park_slots WHERE park_id IS NOT NULL`.execute(t.db)
  ).rows;

function report(
  t: Telephony,
  results: Result[],
  single: number[],
  seconds: number,
  rows: { channel_id: string }[],
): void {
  const parked = results.filter((r) => r.status === 201);
  const full = results.filter((r) => r.code === 'parking-full');
  const other = results.length - parked.length - full.length;
  const bridges = t.double.bridges() as { name: string; channels: string[] }[];
  const parkBridges = bridges.filter((b) => /^park-7\d\d$/.test(b.name));
  const bridged = parkBridges.flatMap((b) => b.channels);
  const duplicates =
    parked.length -
    new Set(parked.map((r) => r.slot)).size +
    (rows.length - new Set(rows.map((row) => row.channel_id)).size) +
    (bridged.length - new Set(bridged).size) +
    parkBridges.filter((b) => b.channels.length !== 1).length;
  const f = (n: number) => n.toFixed(1);
  const line = (label: string, values: number[], note = '') => {
    const p = percentiles(values);
    console.log(
      `  ${label.padEnd(16)} p50 ${f(p.p50ms)} ms  p99 ${f(p.p99ms)} ms  max ${f(p.maxMs)} ms${note}`,
    );
  };
  console.log(
    `${results.length} park requests at once against 99 slots in ${f(seconds)} s: ${parked.length} parked, ` +
      `${full.length} parking-full, ${other} other, ${duplicates} duplicates ` +
      `(${rows.length} slot rows held, ${parkBridges.length} park bridges)`,
  );
  line('one at a time', single, `  (${single.length} parks, no contention)`);
  line(
    'all 500',
    results.map((r) => r.ms),
  );
  line(
    'parked (201)',
    parked.map((r) => r.ms),
    '  (request → Asterisk confirmed the bridge)',
  );
  line(
    'refused (409)',
    full.map((r) => r.ms),
  );
}

/** `count` phones in the double (seeded like pjsip.conf), each dialling a number no feature takes: in Stasis, waiting. */
async function waitingChannels(t: Telephony, count: number): Promise<Waiting[]> {
  const calls: { phone: SimPhone; call: PhoneCall }[] = [];
  for (let i = 0; i < count; i++) {
    const id = `bench${i}`;
    t.double.seedEndpoint(id, { password: 'bench', callerName: `Bench ${i}` });
    const phone = await t.double.registerPhone(id, { password: 'bench' });
    calls.push({ phone, call: phone.dial('*99') });
  }
  await eventually(() => calls.every((c) => c.call.channelId), 10_000, 'every bench channel in Stasis');
  return calls.map((c) => ({ ...c, channelId: c.call.channelId! }));
}
