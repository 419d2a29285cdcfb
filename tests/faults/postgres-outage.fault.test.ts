import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultRig, type FaultRig } from './fault-rig.js';
import { closedLog, HOTDESK, isClosed, plan, scenarios, type Scenarios } from './scenarios.js';
import { outage, OUTAGE_MS } from './outages.js';
import { until } from './until.js';

/**
 * (d) PostgreSQL unreachable for 10 s (the proxy resets every connection and refuses new ones). Live calls go on, new
 * internal calls route from the configuration held in memory, writes answer 503 database-unavailable, and what
 * happened meanwhile (a call that ended, a session that ended) is in the call log and the audit once it is back.
 */
let rig: FaultRig;
let s: Scenarios;
let pg: ReturnType<typeof outage>;

beforeAll(async () => {
  rig = await startFaultRig(plan);
  s = scenarios(rig);
  pg = outage(rig, 'postgres');
});
afterAll(async () => rig?.close());
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') console.error(rig.controller.output().slice(-6000));
  rig.proxies.postgres.restore();
  await rig.controller.ready();
  await s.settle();
});

const unavailable = { error: { code: 'database-unavailable' } };

/** `from` calls `to`, whose desk is answered by hand; both talk, then `from` hangs up. */
async function callAndHangUp(from: string, to: string) {
  const before = rig.phones[to]!.calls.length;
  const outgoing = rig.phones[from]!.dial(to);
  const ringing = await s.incomingAfter(to, before).catch(() => undefined);
  expect(ringing, `${to} rung (the caller got ${outgoing.status ?? outgoing.state})`).toBeDefined();
  rig.phones[to]!.answer(ringing!);
  await until('talking', () => outgoing.state === 'established');
  rig.phones[from]!.hangup(outgoing);
  await until('the callee released', () => isClosed(ringing!));
}

describe('PostgreSQL unavailable for 10 s', () => {
  it('calls: the live call goes on, writes answer 503, and the log of a call that ended meanwhile is written once back', async () => {
    const { outgoing, incoming, callId } = await s.talking();
    await pg.cut();
    const write = await (await rig.admin()).post('/api/teams', { name: 'During the outage' });
    expect(write.status).toBe(503);
    expect(write.json()).toMatchObject(unavailable);
    expect(outgoing.state).toBe('established');
    rig.phones['1001']!.hangup(outgoing);
    await until('the callee released', () => isClosed(incoming));
    await pg.restore();
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'answered', from_number: '1001' });
  });

  it('calls: a new internal call placed during the outage to a callee called before routes (from memory), logged once back', async () => {
    // Call handling profiles are cached on a callee's first call (call-routing.service.ts): warm 1005's.
    await callAndHangUp('1010', '1005');
    const cutAt = new Date();
    await pg.cut();
    await callAndHangUp('1010', '1005');
    await pg.restore();
    const logged = await until('the call of the outage logged and closed', async () => {
      const row = await rig.database.db
        .selectFrom('call_logs')
        .selectAll()
        .where('from_number', '=', '1010')
        .where('started_at', '>=', cutAt)
        .executeTakeFirst();
      return row?.ended_at ? row : undefined;
    });
    expect(logged).toMatchObject({ to_number: '1005', disposition: 'answered' });
  });

  it('parks: a park made before is held through the outage (MOH, its lamp on) and picked up afterwards', async () => {
    const { caller, slot } = await s.parked();
    await pg.cut();
    await until('the outage nearly over', () => pg.left() <= 1000, OUTAGE_MS + 5000);
    const lamp = rig.double.deviceStates().find((d) => d.name === `Stasis:park-${slot.slot}`)?.state;
    expect(lamp).toBe('INUSE');
    expect(rig.phones['1001']!.hears(caller)).toEqual(['moh']);
    await pg.restore();
    const pickup = rig.phones['1002']!.dial(slot.slot);
    await until('1002 talks to the parked caller', () => rig.phones['1002']!.hears(pickup).join() === '1001');
    await until('the slot freed', async () => (await s.occupied()).length === 0);
  });

  it('supervision: a session goes on through the outage', async () => {
    const { supervisor, id } = await s.supervised('monitor');
    await pg.cut();
    await until('the outage nearly over', () => pg.left() <= 1000, OUTAGE_MS + 5000);
    expect(rig.phones['1010']!.hears(supervisor)).toHaveLength(2);
    await pg.restore();
    expect((await s.sessions()).find((x) => x.id === id)?.state).toBe('active');
  });

  it('pages: a live page keeps its members through the outage and ends when stopped', async () => {
    const { page, members } = await s.paging();
    await pg.cut();
    await until('the outage nearly over', () => pg.left() <= 1000, OUTAGE_MS + 5000);
    expect(Object.values(members).every((c) => c.state === 'established')).toBe(true);
    const stop = await (await rig.admin()).delete(`/api/paging/pages/${page.id}`);
    await pg.restore();
    if (stop.status !== 204) {
      expect(stop.status).toBe(503);
      expect((await (await rig.admin()).delete(`/api/paging/pages/${page.id}`)).status).toBe(204);
    }
    await until('the members released', () => Object.values(members).every(isClosed));
  });

  it('hot desk: calls to the logged-in user ring the desk during the outage; a log-out answers 503', async () => {
    const session = await s.hotdesked();
    // 1006's call handling profile cached by a first call (see the new-call case).
    const warm = rig.phones['1001']!.dial('1006');
    await s.incomingAfter(HOTDESK.id, rig.phones[HOTDESK.id]!.calls.length);
    rig.phones['1001']!.hangup(warm);
    await until('the warm-up call over', () => rig.double.channels().length === 0);
    await pg.cut();
    const desk = rig.phones[HOTDESK.id]!;
    const before = desk.calls.length;
    const outgoing = rig.phones['1001']!.dial('1006');
    const rung = await s.incomingAfter(HOTDESK.id, before).catch(() => undefined);
    expect(rung, `the desk rung during the outage (caller got ${outgoing.status ?? outgoing.state})`).toBeDefined();
    rig.phones['1001']!.hangup(outgoing);
    const logout = await (await rig.admin()).post('/api/hotdesk/logout', { deviceId: HOTDESK.id });
    expect(logout.status).toBe(503);
    await pg.restore();
    expect((await s.desks()).map((d) => d.id)).toEqual([session.id]);
    expect((await (await rig.admin()).post('/api/hotdesk/logout', { deviceId: HOTDESK.id })).status).toBe(204);
  });

  it('ringing: a call ringing when the database goes moves to its next step on time', async () => {
    const deskSeconds = 4;
    const { outgoing, dialledAt, callId, webBefore } = await s.ringing(deskSeconds);
    await pg.cut();
    const web = await s.incomingAfter('1005-web', webBefore);
    expect(Date.now()).toBeLessThanOrEqual(dialledAt + deskSeconds * 1000 + 4000);
    rig.phones['1001']!.hangup(outgoing);
    await until('the webphone stops ringing', () => isClosed(web));
    await pg.restore();
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'cancelled' });
  });
});
