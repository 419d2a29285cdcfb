import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '../../controller/features/auth/password.js';
import { seedDemoData } from '../../controller/features/users/demo-seed.js';
import { ensureFirstAdmin } from '../../controller/features/users/first-admin.js';
import { apiClient, countRows } from '../helpers/fixtures.js';
import { createTestApp, login, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await ensureFirstAdmin(t.db, { username: 'admin', password: 'admin-demo', extension: '1000' });
});
afterAll(async () => t?.close());

const counts = async () =>
  Promise.all(
    (['teams', 'users', 'devices', 'contacts', 'contact_assignments'] as const).map((table) =>
      countRows(t.db, table),
    ),
  );

describe('seedDemoData', () => {
  it('creates the documented team, users, devices and contacts, even when two instances seed at once', async () => {
    const [first, second] = await Promise.all([seedDemoData(t.db), seedDemoData(t.db)]);
    expect([...first, ...second]).toHaveLength(10);
    expect(await counts()).toEqual([1, 7, 2, 2, 2]);

    const agent1 = apiClient(t.app, await login(t.app, 'agent1', 'agent-demo-1'));
    expect((await agent1.get('/api/users/me')).json()).toMatchObject({ extension: '1001', role: 'agent' });
    expect((await agent1.get('/api/users/me/sip-credentials')).json().password).toBe('sip-demo-1001');
    expect((await agent1.get('/api/contacts')).json().items.map((c: { name: string }) => c.name)).toEqual([
      'Wile E. Coyote',
    ]);
    const supervisor = apiClient(t.app, await login(t.app, 'supervisor', 'supervisor-demo'));
    expect(
      (await supervisor.get('/api/users')).json().items.map((u: { extension: string }) => u.extension),
    ).toEqual(['1001', '1002', '1003', '1004', '1005', '1010']);
    const devices = await t.db.selectFrom('devices').select(['id', 'hotdesk']).orderBy('id').execute();
    expect(devices).toEqual([
      { id: 'desk1', hotdesk: true },
      { id: 'lobby', hotdesk: false },
    ]);
    const agent5 = await t.db
      .selectFrom('users')
      .select('pin_hash')
      .where('username', '=', 'agent5')
      .executeTakeFirstOrThrow();
    expect(await verifySecret('1238', agent5.pin_hash!)).toBe(true);
  });

  it('is idempotent: a second run creates nothing and changes nothing', async () => {
    const before = await counts();
    expect(await seedDemoData(t.db)).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});
