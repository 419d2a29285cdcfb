import { createTestApp, insertUser } from '../helpers/test-app.js';
import { detail, type BenchRow } from './bench-row.js';
import { metered } from './cpu-meter.js';

/**
 * The log-in throttle under the security review's scenarios, through a real listening server (behind a trusted
 * proxy on loopback, so X-Forwarded-For gives each simulated client its own address). The throttle's answers are
 * rows too (their HTTP status), so that a change in behaviour shows in the table's change column.
 */
export async function benchLogin(): Promise<BenchRow[]> {
  const t = await createTestApp({ config: { TRUSTED_PROXIES: ['127.0.0.1'] } });
  try {
    const address = await t.app.server.listen({ host: '127.0.0.1', port: 0 });
    const post = async (username: string, password: string, from: string) => {
      const response = await fetch(`${address}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ username, password }),
      });
      await response.arrayBuffer();
      return response.status;
    };
    const office = '198.51.100.7';
    const attacker = '203.0.113.9';
    const owner = await insertUser(t.db, { role: 'agent', username: 'owner' });

    const started = performance.now();
    const { result: answers, limit } = await metered(
      () => Promise.all(Array.from({ length: 200 }, () => post('owner', owner.password, office))),
      'the password hash',
    );
    const seconds = (performance.now() - started) / 1000;
    detail(`200 concurrent correct log-ins from one address: ${tally(answers)} in ${seconds.toFixed(1)} s`);
    const rows: BenchRow[] = [
      { name: 'log-in, 200 concurrent from one address: log-ins/s', value: 200 / seconds, unit: '/s', limit },
      {
        name: 'log-in, 200 concurrent: accepted',
        value: answers.filter((s) => s === 200).length,
        unit: 'of 200',
      },
    ];
    const status = (name: string, value: number) =>
      rows.push({ name: `log-in throttle: ${name}`, value, unit: 'HTTP' });

    for (let i = 0; i < 10; i++) await post('owner', `wrong-${i}`, attacker);
    status('owner at usual address after 10 wrong from another', await post('owner', owner.password, office));
    status('owner from a new address', await post('owner', owner.password, '192.0.2.50'));
    status("attacker's 11th try", await post('owner', 'wrong-11', attacker));
    const typist = await insertUser(t.db, { role: 'agent', username: 'typist' });
    for (let i = 0; i < 10; i++) await post('typist', `typo-${i}`, office);
    status('owner after 10 own wrong passwords', await post('typist', typist.password, office));
    return rows;
  } finally {
    await t.close();
  }
}

function tally(answers: number[]): string {
  const counts = new Map<number, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  return [...counts].map(([answer, n]) => `${n} × ${answer}`).join(', ');
}
