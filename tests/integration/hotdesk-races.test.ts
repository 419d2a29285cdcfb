import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertHotdeskSession, listHotdeskSessions } from '../../controller/db/hotdesk.repository.js';
import { AppError } from '../../controller/errors.js';
import { hotdeskEventVisible } from '../../controller/features/hotdesk/hotdesk.events.js';
import type { HotdeskSession } from '../../controller/features/hotdesk/hotdesk.types.js';
import { createPinLock } from '../../controller/features/hotdesk/pin-lock.js';
import { defaultPinLockPolicy } from '../../controller/features/hotdesk/pin-lock.rules.js';
import type { Principal } from '../../controller/http/auth.js';
import { insertTeam } from '../helpers/fixtures.js';
import { insertUser } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

/**
 * What the database and Redis decide for hot desking, without telephony: two log-ins of one user racing on two
 * desks (the unique constraint lets exactly one commit), the PIN lock failing closed, and who sees the events.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

const session = (id: string, deviceId: string, userId: string): HotdeskSession => ({
  id,
  deviceId,
  deviceName: deviceId,
  userId,
  extension: '',
  displayName: '',
  teamId: null,
  via: 'api',
  startedAt: new Date().toISOString(),
  lastActivityAt: new Date().toISOString(),
});

describe('two log-ins of one user on two desks at once', () => {
  it('exactly one commits: the second insert waits for the first and then loses', async () => {
    const { db } = database;
    const user = await insertUser(db, { role: 'agent' });
    for (const id of ['race1', 'race2'])
      await db
        .insertInto('devices')
        .values({ id, name: id, hotdesk: true, sip_password: 'x'.repeat(12) })
        .execute();
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    const first = db.transaction().execute(async (trx) => {
      const ok = await insertHotdeskSession(trx, session(crypto.randomUUID(), 'race1', user.id));
      firstInserted();
      await firstHolds;
      return ok;
    });
    await inserted;
    const second = db
      .transaction()
      .execute(async (trx) => insertHotdeskSession(trx, session(crypto.randomUUID(), 'race2', user.id)));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the second is blocked on the first's row
    releaseFirst();
    expect(await first).toBe(true);
    expect(await second).toBe(false);
    const live = (await listHotdeskSessions(db)).filter((s) => s.userId === user.id);
    expect(live.map((s) => s.deviceId)).toEqual(['race1']);
  });
});

describe('the PIN lock fails closed', () => {
  it('with Redis away, a log-in is refused (hotdesk-unavailable), never let through unchecked', async () => {
    const away = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    away.on('error', () => undefined);
    const lock = createPinLock(away, 'test:', defaultPinLockPolicy);
    for (const attempt of [() => lock.check('u1'), () => lock.failed('u1')]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('hotdesk-unavailable');
      expect((error as AppError).status).toBe(503);
    }
    away.disconnect();
  });
});

describe('who sees hotdesk.login|logout on the WebSocket', () => {
  it('admins, the user, and supervisors of the user’s team; nobody else', async () => {
    const team = await insertTeam(database.db);
    const userId = crypto.randomUUID();
    const event = {
      type: 'hotdesk.login' as const,
      at: new Date().toISOString(),
      data: { ...session('s', 'desk1', userId), teamId: team.id },
    };
    const who = (role: Principal['role'], id: string, teamId: string | null): Principal => ({
      userId: id,
      username: role,
      role,
      extension: '1000',
      teamId,
    });
    const cases: [Principal, boolean][] = [
      [who('admin', crypto.randomUUID(), null), true],
      [who('agent', userId, team.id), true],
      [who('supervisor', crypto.randomUUID(), team.id), true],
      [who('supervisor', crypto.randomUUID(), crypto.randomUUID()), false],
      [who('agent', crypto.randomUUID(), team.id), false],
    ];
    for (const [principal, visible] of cases) expect(hotdeskEventVisible(event, principal)).toBe(visible);
    expect(hotdeskEventVisible({ ...event, type: 'user.created' } as never, cases[4]![0])).toBeUndefined();
  });
});
