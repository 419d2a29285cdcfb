/**
 * Paging (issue 9): a phone dials a group of 50 members (desk phones honouring the auto-answer headers) through the
 * ARI double in-process; the figure is the pager's call → the last member seen in the page's bridge, p50/p99 over 20
 * pages (no beep, so the double's playback time is not in it). Prints figures, asserts nothing about time. Compare
 * with native `Page()` on a real Asterisk: measured here on Asterisk 22.10.1 with the live suite's baresip phones, the
 * pager's INVITE → the last of 2 members' INVITE took a median of 2.9-3.5 ms natively and 23.6-31.3 ms through the
 * controller (the issue quoted ~18 ms for native Page()). `BENCH_PAGE_MEMBERS=2` gives the 2-member figure here.
 */
import type { SimPhone } from '../ari-double/index.js';
import { clientFor, eventually, startTelephony } from '../helpers/telephony.js';
import { detail, latencyRows, type BenchRow } from './bench-row.js';
import { metered } from './cpu-meter.js';
import { percentiles } from './load.js';

const MEMBERS = Number(process.env.BENCH_PAGE_MEMBERS ?? 50);
const PAGES = Number(process.env.BENCH_PAGES ?? 20);

export async function benchPaging(): Promise<BenchRow[]> {
  const t = await startTelephony();
  try {
    const admin = await t.addUser('admin', '1000');
    await t.addUser('supervisor', '1001');
    const extensions = Array.from({ length: MEMBERS }, (_, i) => String(2001 + i));
    for (const ext of extensions) await t.addUser('agent', ext);
    await t.start();
    const pager = await t.phone('1001', 'auto');
    const members: SimPhone[] = [];
    for (const ext of extensions) members.push(await t.phone(ext, 'on-headers'));
    const api = await clientFor(t.app, admin);
    const created = await api.post('/api/paging/groups', {
      number: '801',
      name: 'Bench',
      members: extensions,
      beep: false,
    });
    if (created.statusCode !== 201) throw new Error(`group: ${created.body}`);

    let joined = 0;
    let lastJoinAt = 0;
    let ended = false;
    t.app.bus.subscribe((event) => {
      if (event.type === 'page.member-joined') {
        joined++;
        lastJoinAt = performance.now();
      }
      if (event.type === 'page.ended') ended = true;
    });
    const times: number[] = [];
    const meter = await metered(
      async () => {
        for (let i = 0; i < PAGES; i++) {
          joined = 0;
          ended = false;
          const started = performance.now();
          const call = pager.dial('801');
          await eventually(() => joined >= MEMBERS, 10_000, `${MEMBERS} members joined`);
          times.push(lastJoinAt - started);
          pager.hangup(call);
          await eventually(() => ended && t.double.channels().length === 0, 10_000, 'page ended');
        }
      },
      'round trips (one originate per member)',
      { controllerName: 'controller + in-process double' },
    );
    const { p50ms, p99ms, maxMs } = percentiles(times);
    const f = (n: number) => n.toFixed(1);
    detail(
      `page of ${MEMBERS} (dial → last member bridged, ${PAGES} pages)  p50 ${f(p50ms)} ms  p99 ${f(p99ms)} ms  max ${f(maxMs)} ms` +
        '  (real Asterisk, 2 members, pager INVITE → last member INVITE: native Page() median 2.9-3.5 ms, the controller 23.6-31.3 ms)',
    );
    return latencyRows(
      `paging fan-out to ${MEMBERS} members (dial → last member bridged)`,
      times,
      meter.limit,
    );
  } finally {
    await t.close();
  }
}
