import { sql } from 'kysely';
import { writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import type { Role } from '../../db/tables/users.js';
import { inTransaction } from '../../db/transaction.js';
import { findUserRowByUsername } from '../../db/users.repository.js';
import { hashSecret } from '../auth/password.js';

/**
 * Demo data for `docker compose up` (SEED_DEMO_DATA=true). The admin comes from ADMIN_USERNAME / ADMIN_PASSWORD
 * (extension ADMIN_EXTENSION, 1000 by default). Everything else, in team "Support":
 *
 *   user        extension  password          PIN   SIP password (desk phone `<ext>`, webphone `<ext>-web`)
 *   supervisor  1010       supervisor-demo   4321  sip-demo-1010
 *   agent1      1001       agent-demo-1      1234  sip-demo-1001
 *   agent2      1002       agent-demo-2      1235  sip-demo-1002
 *   agent3      1003       agent-demo-3      1236  sip-demo-1003
 *   agent4      1004       agent-demo-4      1237  sip-demo-1004
 *   agent5      1005       agent-demo-5      1238  sip-demo-1005
 *
 *   device  SIP account / password   what
 *   lobby   lobby / lobby-demo-sip   lobby desk phone (not hot desk)
 *   desk1   desk1 / desk1-demo-sip   hot desk phone (log in with *11, extension, PIN)
 *
 * Two contacts of the Support team: Wile E. Coyote (Acme, +14155550100) assigned to agent1, Hank Scorpio (Globex,
 * +442079460958) assigned to agent2. Demo passwords are public: never seed a production system.
 *
 * Idempotent: what exists (by username, device id, contact number) is left alone. Instances starting at once take
 * turns on an advisory lock, so nothing is created twice.
 */
interface DemoUser {
  username: string;
  name: string;
  extension: string;
  role: Role;
  password: string;
  pin: string;
}

const users: DemoUser[] = [
  {
    username: 'supervisor',
    name: 'Sam Supervisor',
    extension: '1010',
    role: 'supervisor',
    password: 'supervisor-demo',
    pin: '4321',
  },
  ...[1, 2, 3, 4, 5].map((n) => ({
    username: `agent${n}`,
    name: `Agent ${n}`,
    extension: `100${n}`,
    role: 'agent' as const,
    password: `agent-demo-${n}`,
    pin: String(1233 + n),
  })),
];

const devices = [
  { id: 'lobby', name: 'Lobby phone', location: 'Reception', hotdesk: false, sip_password: 'lobby-demo-sip' },
  { id: 'desk1', name: 'Hot desk 1', location: 'Open space', hotdesk: true, sip_password: 'desk1-demo-sip' },
];

const contacts = [
  { name: 'Wile E. Coyote', company: 'Acme', number: '+14155550100', assignee: 'agent1' },
  { name: 'Hank Scorpio', company: 'Globex', number: '+442079460958', assignee: 'agent2' },
];

/** Seeds the demo data; returns what it created (empty when everything was there). */
export async function seedDemoData(db: Db): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('ari-pbx:demo-seed'))`.execute(trx);
    const teamId = await supportTeamId(trx);
    const created = [
      ...(await seedUsers(trx, teamId)),
      ...(await seedDevices(trx)),
      ...(await seedContacts(trx, teamId)),
    ];
    if (created.length) {
      await writeAudit(trx, {
        actorUserId: null,
        actor: 'system',
        action: 'demo.seeded',
        target: '',
        details: { created },
      });
    }
    return created;
  });
}

async function supportTeamId(db: Db): Promise<string> {
  await db
    .insertInto('teams')
    .values({ name: 'Support' })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const team = await db
    .selectFrom('teams')
    .select('id')
    .where(sql<boolean>`lower(name) = 'support'`)
    .executeTakeFirstOrThrow();
  return team.id;
}

async function seedUsers(db: Db, teamId: string): Promise<string[]> {
  const created: string[] = [];
  for (const user of users) {
    if (await findUserRowByUsername(db, user.username)) continue;
    const result = await db
      .insertInto('users')
      .values({
        username: user.username,
        display_name: user.name,
        extension: user.extension,
        role: user.role,
        team_id: teamId,
        password_hash: await hashSecret(user.password),
        sip_password: `sip-demo-${user.extension}`,
        pin_hash: await hashSecret(user.pin),
      })
      .onConflict((oc) => oc.doNothing()) // e.g. ADMIN_EXTENSION already took this extension
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) created.push(`user ${user.username}`);
  }
  return created;
}

async function seedDevices(db: Db): Promise<string[]> {
  const rows = await db
    .insertInto('devices')
    .values(devices)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.map((row) => `device ${row.id}`);
}

async function seedContacts(db: Db, teamId: string): Promise<string[]> {
  const created: string[] = [];
  for (const contact of contacts) {
    const exists = await db
      .selectFrom('contacts')
      .select('id')
      .where(sql<boolean>`phone_numbers @> ARRAY[${contact.number}]::text[]`)
      .executeTakeFirst();
    if (exists) continue;
    const row = await db
      .insertInto('contacts')
      .values({
        name: contact.name,
        company: contact.company,
        phone_numbers: [contact.number],
        team_id: teamId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const assignee = await findUserRowByUsername(db, contact.assignee);
    if (assignee)
      await db
        .insertInto('contact_assignments')
        .values({ contact_id: row.id, user_id: assignee.id })
        .execute();
    created.push(`contact ${contact.name}`);
  }
  return created;
}
