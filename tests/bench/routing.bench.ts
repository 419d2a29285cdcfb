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
import { detail, latencyRows, type BenchRow } from './bench-row.js';
import { metered } from './cpu-meter.js';
import { percentiles } from './load.js';
import { createSetupSteps } from './setup-steps.js';

const CONTACTS = Number(process.env.BENCH_ROUTING_CONTACTS ?? 10_000);
const AGENTS = Number(process.env.BENCH_ROUTING_AGENTS ?? 200);
const ASSIGNMENTS_PER_CONTACT = 2;
/** Rounds per case (an unknown caller rings all 200 agents: each round takes a second or two to clear). */
const ROUNDS = {
  known: Number(process.env.BENCH_ROUTING_ROUNDS ?? 100),
  unknown: Number(process.env.BENCH_ROUTING_ROUNDS ?? 20),
};
const WARM_UP = 5;
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
  const users = await t.db
    .insertInto('users')
    .values(agents)
    .returning(['id', 'extension', 'sip_password'])
    .execute();
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
async function measure(
  t: Telephony,
  trunkId: string,
  callerOf: (round: number) => string,
  rounds: number,
): Promise<number[]> {
  const carrier = t.double.phone('carrier@127.0.0.2:5060')!;
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start: number | undefined;
    let first: number | undefined;
    const stop = t.double.observe((record: DoubleTrace) => {
      if (record.kind === 'stasis-start' && record.endpointId === `trunk-${trunkId}`) start = record.at;
      if (record.kind === 'originate-request' && start !== undefined && first === undefined)
        first = record.at;
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

export async function benchRouting(): Promise<BenchRow[]> {
  const steps = createSetupSteps();
  const t = await startTelephony({
    config: { DIAL_TIMEOUT_SECONDS: 30 },
    app: { callSetupTrace: steps.trace },
  });
  try {
    const team = await insertTeam(t.db, 'Bench team');
    const seeded = performance.now();
    const agents = await seed(t, team.id);
    const counted = await sql<{ n: string }>`SELECT count(*) AS n FROM contacts`.execute(t.db);
    const contacts = Number(counted.rows[0]!.n);
    detail(
      `seeded ${contacts} contacts, ${CONTACTS * ASSIGNMENTS_PER_CONTACT} assignments, ${AGENTS} agents in ${f((performance.now() - seeded) / 1000)} s`,
    );
    const trunkId = await addRoute(t, team.id);
    await t.start();
    await eventually(
      async () => (await t.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok,
      5000,
      'trunk',
    );
    for (const agent of agents)
      await eventually(
        () =>
          t.double
            .registerPhone(agent.extension, { password: agent.sip, answerMode: 'manual' })
            .catch(() => undefined),
        5000,
        `agent ${agent.extension} provisioned`,
      );
    const plan = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN SELECT id FROM contacts WHERE phone_numbers @> ARRAY[${contactNumber(4242)}]::text[]`.execute(
      t.db,
    );
    detail(`contact lookup plan: ${plan.rows.map((r) => r['QUERY PLAN'].trim()).join(' | ')}`);
    const rows: BenchRow[] = [
      { name: 'routing: contacts in the database', value: contacts, unit: 'contacts' },
    ];
    for (const [what, label, callerOf, rounds] of [
      [
        'a known contact (2 assigned agents ring first)',
        'known contact',
        (r: number) => contactNumber((r * 7919) % CONTACTS),
        ROUNDS.known,
      ],
      [
        `an unknown caller (all ${AGENTS} agents at once)`,
        `unknown caller, ${AGENTS} agents`,
        (r: number) => `+1444${String(1_000_000 + r)}`,
        ROUNDS.unknown,
      ],
    ] as const) {
      await measure(t, trunkId, callerOf, WARM_UP); // JIT, caches
      steps.clear();
      const { result: times, limit } = await metered(
        () => measure(t, trunkId, callerOf, rounds),
        'PostgreSQL round trips',
        {
          controllerName: 'controller + in-process double',
        },
      );
      const decided = steps
        .all()
        .flatMap(([, s]) =>
          s.decided !== undefined && s['stasis-start'] !== undefined ? [s.decided - s['stasis-start']] : [],
        );
      const p = percentiles(times);
      detail(
        `StasisStart → first agent leg originated, ${what}: ${times.length}/${rounds}  p50 ${f(p.p50ms)} ms  p99 ${f(p.p99ms)} ms`,
      );
      rows.push(
        ...latencyRows(`routing decision, 10k contacts, ${label} (StasisStart → decided)`, decided, limit),
        ...latencyRows(
          `routing, ${label}: StasisStart → first agent originate (double's clock)`,
          times,
          limit,
        ),
      );
    }
    return rows;
  } finally {
    await t.close();
  }
}

/** The DID's inbound route to the team and the carrier's trunk; resolves with the trunk's id. */
async function addRoute(t: Telephony, teamId: string): Promise<string> {
  await t.db
    .insertInto('inbound_routes')
    .values({
      did: DID,
      team_id: teamId,
      assigned_ring_seconds: 30,
      fallback_kind: 'hangup',
      fallback_target: null,
    })
    .execute();
  const trunk = await t.db
    .insertInto('trunks')
    .values({ name: 'Carrier', host: '127.0.0.2', match: ['127.0.0.2'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
  return trunk.id;
}
