import { createTestApp, insertUser } from '../helpers/test-app.js';

/**
 * The log-in throttle under the security review's scenarios, through a real listening server (behind a trusted
 * proxy on loopback, so X-Forwarded-For gives each simulated client its own address).
 */
export async function benchLogin(): Promise<void> {
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
      return `${response.status}${response.headers.has('retry-after') ? ` (Retry-After ${response.headers.get('retry-after')} s)` : ''}`;
    };
    const office = '198.51.100.7';
    const attacker = '203.0.113.9';
    const owner = await insertUser(t.db, { role: 'agent', username: 'owner' });

    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => post('owner', owner.password, office)),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `200 concurrent correct log-ins from one address: ${tally(answers)} in ${seconds.toFixed(1)} s`,
    );

    for (let i = 0; i < 10; i++) await post('owner', `wrong-${i}`, attacker);
    console.log(
      `after 10 wrong passwords from another address, the owner at their usual address: ${await post('owner', owner.password, office)}`,
    );
    console.log(
      `  … the owner from an address never used before: ${await post('owner', owner.password, '192.0.2.50')}`,
    );
    console.log(`  … the attacker's 11th try: ${await post('owner', 'wrong-11', attacker)}`);

    const typist = await insertUser(t.db, { role: 'agent', username: 'typist' });
    for (let i = 0; i < 10; i++) await post('typist', `typo-${i}`, office);
    console.log(
      `after 10 of their own wrong passwords, the owner at that address: ${await post('typist', typist.password, office)}`,
    );
  } finally {
    await t.close();
  }
}

function tally(answers: string[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  return [...counts].map(([answer, n]) => `${n} × ${answer}`).join(', ');
}
