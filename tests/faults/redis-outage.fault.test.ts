import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startFaultRig, type FaultRig } from './fault-rig.js';
import { outage, OUTAGE_MS } from './outages.js';
import { closedLog, isClosed, plan, scenarios, type Scenarios } from './scenarios.js';
import { until } from './until.js';

/**
 * (e) Redis unreachable for 10 s with one controller: calls go on and new ones route, events reach the WebSocket again
 * afterwards, and the log-in limiter fails closed (an error, never unlimited tries).
 */
let rig: FaultRig;
let s: Scenarios;
let redis: ReturnType<typeof outage>;

beforeAll(async () => {
  rig = await startFaultRig(plan);
  s = scenarios(rig);
  redis = outage(rig, 'redis');
});
afterAll(async () => rig?.close());
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') console.error(rig.controller.output().slice(-6000));
  rig.proxies.redis.restore();
  await rig.controller.ready();
  await s.settle();
  await s.callLogsClosed();
});
const nearlyOver = () => until('the outage nearly over', () => redis.left() <= 1000, OUTAGE_MS + 5000);

describe('Redis unavailable for 10 s', () => {
  it('calls: the live call goes on, a new call routes and is logged, and events reach the WebSocket again after', async () => {
    const events = await rig.events();
    const { outgoing, incoming, callId } = await s.talking();
    await redis.cut();
    const fresh = await s.talking('1010', '1002');
    expect(outgoing.state).toBe('established');
    rig.phones['1010']!.hangup(fresh.outgoing);
    await until('the new call over', () => isClosed(fresh.incoming));
    await nearlyOver();
    expect(incoming.state).toBe('established');
    await redis.restore();
    expect(await closedLog(s, fresh.callId)).toMatchObject({ disposition: 'answered', from_number: '1010' });
    rig.phones['1001']!.hangup(outgoing);
    // The socket opened before the outage: the call's end (after it) reaches it.
    await events.next((m) => m.type === 'call.ended' && (m.data as { id: string }).id === callId, 15_000);
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'answered' });
    events.close();
  });

  it('log-in: the limiter fails closed, every try answers an error, never a token or an unlimited 401', async () => {
    const user = rig.users['1001']!;
    const anonymous = apiClient(rig.controller.url);
    await redis.cut();
    const answers: number[] = [];
    for (let i = 0; i < 6; i++)
      answers.push(
        (await anonymous.post('/api/auth/login', { username: user.username, password: `wrong-${i}` })).status,
      );
    const right = await anonymous.post('/api/auth/login', {
      username: user.username,
      password: user.password,
    });
    await redis.restore();
    expect(
      answers.every((status) => status === 503),
      `answers ${answers.join(',')}`,
    ).toBe(true);
    expect(right.status, right.body).toBe(503);
    const after = await anonymous.post('/api/auth/login', {
      username: user.username,
      password: user.password,
    });
    expect(after.status, after.body).toBe(200);
  });

  it('parks: a park is held through the outage and picked up afterwards; a new park during it takes a slot', async () => {
    const first = await s.parked();
    await redis.cut();
    // The API reads slots from PostgreSQL (up): a #72 during the outage must park within it.
    const second = await s.parked();
    expect(second.slot.slot).toBe('702');
    expect(redis.left(), 'parked while Redis was still down').toBeGreaterThan(0);
    await nearlyOver();
    expect(rig.phones['1001']!.hears(first.caller)).toEqual(['moh']);
    await redis.restore();
    expect((await s.occupied()).map((o) => o.slot)).toEqual(['701', '702']);
    for (const slot of ['701', '702']) {
      const pickup = rig.phones['1002']!.dial(slot);
      await until(
        `1002 talks to the caller parked on ${slot}`,
        () => rig.phones['1002']!.hears(pickup).join() === '1001',
      );
      rig.phones['1002']!.hangup(pickup);
    }
    await until('both slots freed', async () => (await s.occupied()).length === 0);
  });

  it('pages: a live page keeps its members through the outage and ends when stopped after', async () => {
    const { page, members } = await s.paging();
    await redis.cut();
    await nearlyOver();
    expect(Object.values(members).every((c) => c.state === 'established')).toBe(true);
    await redis.restore();
    const stop = await (await rig.admin()).delete(`/api/paging/pages/${page.id}`);
    expect(stop.status, stop.body).toBe(204);
    await until('the members released', () => Object.values(members).every(isClosed));
  });

  it('supervision: a session goes on through the outage and ends with its call, audited', async () => {
    const { outgoing, supervisor, id } = await s.supervised('whisper');
    await redis.cut();
    await nearlyOver();
    expect(rig.phones['1010']!.hears(supervisor)).toHaveLength(2);
    await redis.restore();
    rig.phones['1001']!.hangup(outgoing);
    await until('the supervisor released', () => isClosed(supervisor));
    await until('supervision.ended audited', async () =>
      (await s.audit('supervision.ended')).some((row) => row.details.sessionId === id),
    );
  });

  it('ringing: a call ringing when Redis goes moves to its next step on time', async () => {
    const deskSeconds = 4;
    const { outgoing, dialledAt, callId, webBefore } = await s.ringing(deskSeconds);
    await redis.cut();
    const web = await s.incomingAfter('1005-web', webBefore);
    expect(Date.now()).toBeLessThanOrEqual(dialledAt + deskSeconds * 1000 + 4000);
    rig.phones['1001']!.hangup(outgoing);
    await until('the webphone stops ringing', () => isClosed(web));
    await redis.restore();
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'cancelled' });
  });
});
