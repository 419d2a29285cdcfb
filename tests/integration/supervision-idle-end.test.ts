import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import { insertTeam } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/** SUPERVISION_IDLE_POLICY=end: supervising an agent who is on no call ends at once, on the phone and the API. */
let t: Telephony;
let supervisor: TestUser;
let phone: SimPhone;

beforeAll(async () => {
  t = await startTelephony({ config: { SUPERVISION_IDLE_POLICY: 'end' } });
  const team = await insertTeam(t.db, 'Team');
  for (const [ext, role] of [
    ['1001', 'agent'],
    ['1010', 'supervisor'],
  ] as const) {
    const user = await t.addUser(role, ext);
    await t.db.updateTable('users').set({ team_id: team.id }).where('id', '=', user.id).execute();
    if (ext === '1010') supervisor = user;
  }
  await t.start();
  await t.phone('1001');
  phone = await t.phone('1010');
});
afterAll(async () => t?.close());

describe('the agent is idle and the policy is end', () => {
  it('*2221001: "nobody available", then the call ends; nothing is left', async () => {
    const call = phone.dial('*2221001');
    await eventually(() => call.state === 'closed', 4000, 'ended');
    expect(call.prompts).toEqual(['sound:vm-nobodyavail']);
    await eventually(
      () => t.double.channels().length === 0 && t.double.bridges().length === 0,
      2000,
      'clean',
    );
  });

  it('POST /api/supervision: 403 no-call-to-supervise, nobody is rung, audited', async () => {
    const api = await clientFor(t.app, supervisor);
    const response = await api.post('/api/supervision', {
      targetExtension: '1001',
      supervisorExtension: '1010',
      mode: 'monitor',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'no-call-to-supervise' } });
    expect(t.double.channels()).toEqual([]);
    const audit = await api.get('/api/audit?action=supervision.refused');
    expect(
      audit.json<{ items: { details: { code: string; via: string } }[] }>().items.map((e) => e.details),
    ).toEqual([
      expect.objectContaining({ code: 'no-call-to-supervise', via: 'api' }),
      expect.objectContaining({ code: 'no-call-to-supervise', via: 'phone' }),
    ]);
  });
});
