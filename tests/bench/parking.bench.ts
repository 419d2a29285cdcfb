/**
 * Parking under contention (issue 4): 500 park requests at once against the 99 slots, through a listening server,
 * the real PostgreSQL allocation and the ARI double (in-process). Each request parks a different channel waiting in
 * Stasis; a request returns once the double reported the channel in its slot's bridge. Prints the outcome counts,
 * duplicates (a slot given twice, a channel in two slots) and p50/p99 latency; asserts nothing about time.
 */
import { sql } from 'kysely';
import type { PhoneCall } from '../ari-double/index.js';
import { eventually, startTelephony } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';
import { percentiles } from './load.js';

const REQUESTS = Number(process.env.BENCH_PARK_REQUESTS ?? 500);

export async function benchParking(): Promise<void> {
  const t = await startTelephony();
  try {
    const admin = await t.addUser('admin', '1000');
    await t.start();
    const channelIds = await waitingChannels(t, REQUESTS);
    const address = await t.app.server.listen({ host: '127.0.0.1', port: 0 });
    const headers = {
      ...(await login(t.app, admin.username, admin.password)),
      'content-type': 'application/json',
    };

    const started = performance.now();
    const results = await Promise.all(
      channelIds.map(async (channelId) => {
        const t0 = performance.now();
        const response = await fetch(`${address}/api/parking/park`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ channelId }),
        });
        const body = (await response.json()) as { slot?: string; error?: { code: string } };
        return {
          status: response.status,
          slot: body.slot,
          code: body.error?.code,
          ms: performance.now() - t0,
        };
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const parked = results.filter((r) => r.status === 201);
    const full = results.filter((r) => r.code === 'parking-full');
    const other = results.length - parked.length - full.length;
    const slotsGiven = new Set(parked.map((r) => r.slot));
    const rows = await sql<{
      slot: string;
      channel_id: string;
    }>`SELECT slot, channel_id FROM park_slots WHERE park_id IS NOT NULL`.execute(t.db);
    const rowChannels = new Set(rows.rows.map((row) => row.channel_id));
    const bridges = t.double.bridges() as { name: string; channels: string[] }[];
    const parkBridges = bridges.filter((b) => /^park-7\d\d$/.test(b.name));
    const bridged = parkBridges.flatMap((b) => b.channels);
    const duplicates =
      parked.length -
      slotsGiven.size +
      (rows.rows.length - rowChannels.size) +
      (bridged.length - new Set(bridged).size) +
      parkBridges.filter((b) => b.channels.length !== 1).length;
    const f = (n: number) => n.toFixed(1);
    const all = percentiles(results.map((r) => r.ms));
    const ok = percentiles(parked.map((r) => r.ms));
    const refused = percentiles(full.map((r) => r.ms));
    console.log(
      `${REQUESTS} park requests at once against 99 slots in ${f(seconds)} s: ${parked.length} parked, ` +
        `${full.length} parking-full, ${other} other, ${duplicates} duplicates ` +
        `(${rows.rows.length} slot rows held, ${parkBridges.length} park bridges)`,
    );
    console.log(`  latency all      p50 ${f(all.p50ms)} ms  p99 ${f(all.p99ms)} ms  max ${f(all.maxMs)} ms`);
    console.log(
      `  parked (201)     p50 ${f(ok.p50ms)} ms  p99 ${f(ok.p99ms)} ms  (request → Asterisk confirmed the bridge)`,
    );
    console.log(`  refused (409)    p50 ${f(refused.p50ms)} ms  p99 ${f(refused.p99ms)} ms`);
  } finally {
    await t.close();
  }
}

/** `count` phones in the double (seeded like pjsip.conf), each dialling a number no feature takes: in Stasis, waiting. */
async function waitingChannels(
  t: Awaited<ReturnType<typeof startTelephony>>,
  count: number,
): Promise<string[]> {
  const calls: PhoneCall[] = [];
  for (let i = 0; i < count; i++) {
    const id = `bench${i}`;
    t.double.seedEndpoint(id, { password: 'bench', callerName: `Bench ${i}` });
    const phone = await t.double.registerPhone(id, { password: 'bench' });
    calls.push(phone.dial('*99'));
  }
  await eventually(() => calls.every((call) => call.channelId), 10_000, 'every bench channel in Stasis');
  return calls.map((call) => call.channelId!);
}
