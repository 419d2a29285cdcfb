/**
 * Contact-centre routing (issue 13): the routing decision time, from a trunk call's StasisStart to the originate of
 * its first agent leg, with 10,000 contacts, 20,000 assignments and 200 agents (one team) in the database, measured
 * by the ARI double's own clock (`observe`). The controller runs on real PostgreSQL and Redis over a real ARI
 * connection; the double runs in the same process here (it costs the controller's event loop a little: the figures
 * are an upper bound). Figures only, no assertions.
 */
import { sql } from 'kysely';
import { hashSecret, randomSipPassword } from '../../controller/features/auth/password.js';
import type { DoubleTrace } from '../ari-double/index.js';
import { insertTeam } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony } from '../helpers/telephony.js';
import { percentiles } from './load.js';

const CONTACTS = Number(process.env.BENCH_ROUTING_CONTACTS ?? 10_000);
const AGENTS = Number(process.env.BENCH_ROUTING_AGENTS ?? 200);
const ASSIGNMENTS_PER_CONTACT = 2;
const ROUNDS = Number(process.env.BENCH_ROUTING_ROUNDS ?? 100);
const DID = '+15550001';

const f = (n: number) => n.toFixed(2);
const contactNumber = (i: number) => `+1555${String(2_000_000 + i).padStart(7, '0')}`;

async function seed(t: Telephony, teamId: string): Promise<{ id: string; extension: string; sip: string }[]> {
  const passwordHash = await hashSecret('bench password');
  const agents = Array.from({ length: AGENTS }, (_, i) => ({
    username: `agent-${6000 + i}`,
    display_name: `Agent ${6000 + i}`,
    extension: String(6000 + i),
    role: 'agent' as const,
    team_id: teamId,
    password_hash: passwordHash,
    sip_password: randomSipPassword(),
    pin_hash: null,
  }));
  const users = await t.db.insertInto('users').values(agents).returning(['id', 'extension', 'sip_password']).execute();
  for (let i = 0; i < CONTACTS; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, CONTACTS - i) }, (_, j) => ({
      name: `Customer ${i + j}`,
      company: `Company ${(i + j) % 500}`,
      phone_numbers: [contactNumber(i + j)],
      team_id: teamId,
    }));
    const contacts = await t.db.insertInto('contacts').values(rows).returning('id').execute();
    const assignments = contacts.flatMap((c, j) =>
      Array.from({ length: ASSIGNMENTS_PER_CONTACT }, (_, k) => ({
        contact_id: c.id,
        user_id: users[(i + j + k * 97) % users.length]!.id,
        active: true,
      })),
    );
    await t.db.insertInto('contact_assignments').values(assignments).execute();
  }
  await sql`ANALYZE`.execute(t.db);
  return users.map((u) => ({ id: u.id, extension: u.extension, sip: u.sip_password }));
}

/** One trunk call at a time: StasisStart of the trunk channel → the first originate after it. */
async function measure(t: Telephony, trunkId: string, callerOf: (round: number) => string): Promise<number[]> {
  const carrier = t.double.phone('carrier@127.0.0.2:5060')!;
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let start: number | undefined;
    let first: number | undefined;
    const stop = t.double.observe((record: DoubleTrace) => {
      if (record.kind === 'stasis-start' && record.endpointId === `trunk-${trunkId}`) start = record.at;
      if (record.kind === 'originate-request' && start !== undefined && first === undefined) first = record.at;
    });
    const call = carrier.dial(DID, { name: 'Customer', number: callerOf(round) });
    await eventually(() => first !== undefined, 5000, 'first agent leg originated').catch(() => undefined);
    stop();
    if (start !== undefined && first !== undefined) times.push(first - start);
    carrier.hangup(call);
    await eventually(() => t.double.channels().length === 0, 5000, 'channels gone').catch(() => undefined);
  }
  return times;
}

export async function benchRouting(): Promise<void> {
  const t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 30 } });
  try {
    const team = await insertTeam(t.db, 'Bench team');
    const seeded = performance.now();
    const agents = await seed(t, team.id);
    console.log(
      `seeded ${CONTACTS} contacts, ${CONTACTS * ASSIGNMENTS_PER_CONTACT} assignments, ${AGENTS} agents in ${f((performance.now() - seeded) / 1000)} s`,
    );
    await t.db
      .insertInto('inbound_routes')
      .values({ did: DID, team_id: team.id, assigned_ring_seconds: 30, fallback_kind: 'hangup', fallback_target: null })
      .execute();
    const trunk = await t.db
      .insertInto('trunks')
      .values({ name: 'Carrier', host: '127.0.0.2', match: ['127.0.0.2'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    const trunkId = trunk.id;
    t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
    await t.start();
    await eventually(async () => (await t.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok, 5000, 'trunk');
    for (const agent of agents)
      await eventually(
        () => t.double.registerPhone(agent.extension, { password: agent.sip, answerMode: 'manual' }).catch(() => undefined),
        5000,
        `agent ${agent.extension} provisioned`,
      );
    const plan = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN SELECT id FROM contacts WHERE phone_numbers @> ARRAY[${contactNumber(4242)}]::text[]`.execute(t.db);
    console.log(`contact lookup plan: ${plan.rows.map((r) => r['QUERY PLAN'].trim()).join(' | ')}`);
    for (const [what, callerOf] of [
      ['a known contact (2 assigned agents ring first)', (r: number) => contactNumber((r * 7919) % CONTACTS)],
      [`an unknown caller (all ${AGENTS} agents of the team at once)`, (r: number) => `+1444${String(1_000_000 + r)}`],
    ] as const) {
      await measure(t, trunkId, callerOf).then(() => undefined); // warm-up round set (JIT, caches)
      const times = await measure(t, trunkId, callerOf);
      const p = percentiles(times);
      console.log(
        `StasisStart → first agent leg originated, ${what}: ${times.length}/${ROUNDS}  p50 ${f(p.p50ms)} ms  p99 ${f(p.p99ms)} ms  max ${f(p.maxMs)} ms`,
      );
    }
  } finally {
    await t.close();
  }
}
