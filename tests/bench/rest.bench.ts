import { createTestApp, insertUser, login } from '../helpers/test-app.js';
import { detail, type BenchRow } from './bench-row.js';
import { metered } from './cpu-meter.js';
import { printResult, runLoad } from './load.js';

/** REST throughput and latency on loopback, through a real listening server, PostgreSQL and Redis (auth + schema). */
export async function benchRest(): Promise<BenchRow[]> {
  const t = await createTestApp();
  const rows: BenchRow[] = [];
  try {
    const address = await t.app.server.listen({ host: '127.0.0.1', port: 0 });
    const admin = await insertUser(t.db, { role: 'admin', username: 'bench-admin' });
    for (let i = 0; i < 50; i++) await insertUser(t.db, { role: 'agent' });
    const headers = await login(t.app, admin.username, admin.password);
    const get =
      (path: string, auth = true) =>
      async () => {
        const response = await fetch(`${address}${path}`, { headers: auth ? headers : {} });
        await response.arrayBuffer();
        return response.ok;
      };
    const cases = [
      ['GET /healthz', get('/healthz', false)],
      ['GET /api/users (auth + schema, 50 users)', get('/api/users')],
    ] as const;
    for (const concurrency of [1, 32]) {
      for (const [label, request] of cases) {
        const { result: r, limit } = await metered(
          () => runLoad(`${label} (c=${concurrency})`, request, { concurrency, durationMs: 3000 }),
          concurrency === 1 ? 'round trips (one request at a time)' : 'PostgreSQL/Redis round trips',
        );
        if (process.env.BENCH_VERBOSE === '1') printResult(r);
        if (r.errors > 0) detail(`${r.name}: ${r.errors} errors`);
        rows.push(
          { name: `${label}, c=${concurrency}: requests/s`, value: r.perSecond, unit: 'req/s', limit },
          { name: `${label}, c=${concurrency}: p99`, value: r.p99ms, unit: 'ms', limit },
        );
      }
    }
  } finally {
    await t.close();
  }
  return rows;
}
