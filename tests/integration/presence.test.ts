import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import type { PresenceView } from '../../controller/features/presence/presence.types.js';
import { insertTeam } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/** Presence from the ARI double's registrations and channels and the users' DND, through the real app. */
let t: Telephony;
const users: Record<string, TestUser> = {};
let admin: Awaited<ReturnType<typeof clientFor>>;

beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 5 } });
  const team = await insertTeam(t.db);
  for (const ext of ['1001', '1002', '1003']) users[ext] = await t.addUser('agent', ext);
  users['1009'] = await t.addUser('admin', '1009');
  await t.db
    .updateTable('users')
    .set({ team_id: team.id })
    .where('extension', 'in', ['1001', '1002'])
    .execute();
  await t.start();
  admin = await clientFor(t.app, users['1009']!);
});
afterAll(async () => t?.close());

const stateOf = (ext: string) => t.app.presence.stateOf(users[ext]!.id);

async function until(ext: string, state: PresenceView['state'], timeoutMs = 2000) {
  await eventually(() => stateOf(ext) === state, timeoutMs, `${ext} ${state} (is ${stateOf(ext)})`);
}

describe('presence from registrations, channels and DND', () => {
  let desk1: SimPhone;
  let desk2: SimPhone;

  it('everyone starts offline; a registration makes the user available, its end offline again', async () => {
    expect(stateOf('1001')).toBe('offline');
    desk1 = await t.phone('1001', 'manual');
    await until('1001', 'available');
    const view = (await admin.get(`/api/presence/${users['1001']!.id}`)).json<PresenceView>();
    expect(view).toMatchObject({
      userId: users['1001']!.id,
      extension: '1001',
      state: 'available',
      devices: [
        { account: '1001', registered: true },
        { account: '1001-web', registered: false },
      ],
      dnd: false,
      stale: false,
    });
    expect(view.lastSeenAt).not.toBeNull();
    desk1.unregister();
    await until('1001', 'offline');
    desk1 = await t.phone('1001', 'manual');
    await until('1001', 'available');
  });

  it('a call: the callee rings, both are on the call once answered, available after the hang-up', async () => {
    desk2 = await t.phone('1002', 'manual');
    await until('1002', 'available');
    const call = desk2.dial('1001');
    await until('1002', 'on-call');
    const incoming = await desk1.waitForIncoming();
    await until('1001', 'ringing');
    desk1.answer(incoming);
    await until('1001', 'on-call');
    expect(stateOf('1002')).toBe('on-call');
    desk2.hangup(call);
    await until('1001', 'available');
    await until('1002', 'available');
  });

  it('DND shows at once (the API) and ends at once', async () => {
    const url = `/api/users/${users['1001']!.id}/dnd`;
    expect((await admin.put(url, { enabled: true })).statusCode).toBe(200);
    expect(stateOf('1001')).toBe('dnd');
    expect((await admin.put(url, { enabled: false })).statusCode).toBe(200);
    expect(stateOf('1001')).toBe('available');
  });

  it('GET /api/presence lists every user for an admin', async () => {
    const { items } = (await admin.get('/api/presence')).json<{ items: PresenceView[] }>();
    expect(items.map((v) => [v.extension, v.state])).toEqual([
      ['1001', 'available'],
      ['1002', 'available'],
      ['1003', 'offline'],
      ['1009', 'offline'],
    ]);
  });
});
