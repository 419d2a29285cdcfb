import { createTestApp, insertUser, login } from '../helpers/test-app.js';
import { printResult, runLoad } from './load.js';

/** REST throughput and latency on loopback, through a real listening server, PostgreSQL and Redis. */
export async function benchRest(): Promise<void> {
  const t = await createTestApp();
  try {
    const address = await t.app.server.listen({ host: '127.0.0.1', port: 0 });
    const admin = await insertUser(t.db, { role: 'admin', username: 'bench-admin' });
    for (let i = 0; i < 50; i++) await insertUser(t.db, { role: 'agent' });
    const headers = await login(t.app, admin.username, admin.password);
    const get = (path: string, auth = true) => async () => {
      const response = await fetch(`${address}${path}`, { headers: auth ? headers : {} });
      await response.arrayBuffer();
      return response.ok;
    };
    for (const concurrency of [1, 32]) {
      printResult(await runLoad(`GET /healthz (c=${concurrency})`, get('/healthz', false), { concurrency, durationMs: 3000 }));
      printResult(
        await runLoad(`GET /api/users (50 users, c=${concurrency})`, get('/api/users'), { concurrency, durationMs: 3000 }),
      );
    }
  } finally {
    await t.close();
  }
}
