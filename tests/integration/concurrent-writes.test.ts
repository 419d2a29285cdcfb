import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../controller/db/transaction.js';
import { apiClient, userWithClient, type ApiClient } from '../helpers/fixtures.js';
import { eventually } from '../helpers/telephony.js';
import { createTestApp, login, type TestApp } from '../helpers/test-app.js';

/** Writes that race each other: never a 500 (deadlocks are retried), and never a state no single write allows. */

let t: TestApp;
type Admin = { id: string; username: string; password: string; api?: ApiClient };
let alice: Admin;
let bob: Admin;

beforeAll(async () => {
  t = await createTestApp();
  alice = (await userWithClient(t.app, t.db, { role: 'admin' })).user;
  bob = (await userWithClient(t.app, t.db, { role: 'admin' })).user;
});
afterAll(async () => t?.close());

const admins = async () =>
  (await t.db.selectFrom('users').select('id').where('role', '=', 'admin').execute()).map((r) => r.id);
/** Both admins again, freshly logged in (a demotion ends the demoted user's tokens). */
const bothAdmins = async () => {
  await t.db.updateTable('users').set({ role: 'admin' }).where('id', 'in', [alice.id, bob.id]).execute();
  for (const admin of [alice, bob])
    admin.api = apiClient(t.app, await login(t.app, admin.username, admin.password));
};
const demoteEachOther = () =>
  Promise.all([
    alice.api!.patch(`/api/users/${bob.id}`, { role: 'agent' }),
    bob.api!.patch(`/api/users/${alice.id}`, { role: 'agent' }),
  ]);
/** Sessions of this test database waiting for a row lock. */
const waitingForLocks = async () => {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db);
  return rows[0]!.n;
};

describe('two admins demoting each other at once', () => {
  it('when both are in their transactions together: one wins, the other is 409, no 500 and an admin remains', async () => {
    await bothAdmins();
    let answers: ReturnType<typeof demoteEachOther> | undefined;
    // Hold both rows until both requests wait for them, then let them go at the same instant.
    await t.db.transaction().execute(async (trx) => {
      await trx.selectFrom('users').select('id').where('id', 'in', [alice.id, bob.id]).forUpdate().execute();
      answers = demoteEachOther();
      await eventually(async () => (await waitingForLocks()) >= 2, 5000, 'both requests waiting');
    });
    const [byAlice, byBob] = await answers!;
    expect([byAlice.statusCode, byBob.statusCode].sort(), `${byAlice.body} ${byBob.body}`).toEqual([
      200, 409,
    ]);
    expect(await admins()).toHaveLength(1);
  });

  it('however the two interleave, neither is a 5xx and exactly one admin remains', async () => {
    for (let round = 0; round < 5; round++) {
      await bothAdmins();
      const [byAlice, byBob] = await demoteEachOther();
      const statuses = [byAlice.statusCode, byBob.statusCode].sort();
      // The later one finds its author demoted: their token ended (401), refused by the access hook (403) or
      // inside its transaction (409).
      expect([
        [200, 401],
        [200, 403],
        [200, 409],
      ]).toContainEqual(statuses);
      expect(await admins()).toHaveLength(1);
    }
  });
});

describe('inTransaction', () => {
  const conflict = (code: string) => Object.assign(new Error(`simulated ${code}`), { code });

  it('runs a transaction again after a serialization failure or a deadlock, from the start', async () => {
    for (const code of ['40001', '40P01']) {
      let runs = 0;
      const name = `retried-${code}-${Date.now()}`;
      const team = await inTransaction(t.db, async (trx) => {
        runs++;
        const row = await trx.insertInto('teams').values({ name }).returningAll().executeTakeFirstOrThrow();
        if (runs === 1) throw conflict(code);
        return row;
      });
      expect(runs).toBe(2);
      expect(await t.db.selectFrom('teams').select('id').where('name', '=', name).execute()).toEqual([
        { id: team.id },
      ]);
    }
  });

  it('gives up after a few tries, and never retries other errors', async () => {
    let runs = 0;
    await expect(
      inTransaction(t.db, async () => {
        runs++;
        throw conflict('40P01');
      }),
    ).rejects.toThrow('simulated 40P01');
    expect(runs).toBe(4);
    runs = 0;
    await expect(
      inTransaction(t.db, async () => {
        runs++;
        throw conflict('23505');
      }),
    ).rejects.toThrow('simulated 23505');
    expect(runs).toBe(1);
  });
});
