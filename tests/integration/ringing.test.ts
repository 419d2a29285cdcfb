import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { apiClient, type ApiClient } from '../helpers/fixtures.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';

/** Ring strategies on the ARI double: simultaneous, sequential, follow-me, delays, schedules; the API's checks. */
let t: Telephony;
let callee: TestUser;
let other: TestUser;
let owner: ApiClient;
const phones: Record<string, SimPhone> = {};
const device = { id: 'dev-2002', password: 'device-secret-2002-abcdef' };

beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 3 } });
  await t.addUser('agent', '2001');
  callee = await t.addUser('agent', '2002');
  other = await t.addUser('agent', '2003');
  await t.db
    .insertInto('devices')
    .values({ id: device.id, name: 'Mobile', owner_user_id: callee.id, sip_password: device.password })
    .execute();
  await t.db
    .insertInto('devices')
    .values({ id: 'dev-other', name: 'Not theirs', owner_user_id: other.id, sip_password: 'another-secret-abcdef-1' })
    .execute();
  await t.start();
  phones['2001'] = await t.phone('2001');
  phones['2002'] = await t.phone('2002', 'manual');
  phones['2002-web'] = await t.phone('2002-web', 'manual');
  phones['2003'] = await t.phone('2003', 'manual');
  phones[device.id] = await eventually(
    () => t.double.registerPhone(device.id, { password: device.password, answerMode: 'manual' }).catch(() => undefined),
    3000,
    'device registered',
  );
  owner = apiClient(t.app, await login(t.app, callee.username, callee.password));
});
afterAll(async () => t?.close());

const url = () => `/api/users/${callee.id}/ring-settings`;
const target = (kind: string, delaySeconds: number, timeoutSeconds: number, deviceId?: string) => ({
  kind,
  delaySeconds,
  timeoutSeconds,
  ...(deviceId ? { deviceId } : {}),
});
const closed = (call: PhoneCall, ms = 5000) => eventually(() => call.state === 'closed', ms, `call ${call.id} closed`);
const incomingAt = (name: string) => phones[name]!.calls.filter((c) => c.direction === 'incoming');
const ringingNow = (name: string) => incomingAt(name).filter((c) => c.state !== 'closed');

async function settings(body: object) {
  const response = await owner.put(url(), body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('ring settings through the API', () => {
  it('default: simultaneous, no targets; saved settings read back; published', async () => {
    expect((await owner.get(url())).json()).toEqual({
      userId: callee.id,
      extension: '2002',
      strategy: 'simultaneous',
      targets: [],
    });
    const since = t.events.length;
    const saved = await settings({ strategy: 'sequential', targets: [target('desk', 0, 10), target('device', 2, 20, device.id)] });
    expect(saved.targets).toHaveLength(2);
    expect((await owner.get(url())).json().strategy).toBe('sequential');
    expect(t.events.slice(since).map((e) => e.type)).toContain('user.ring-settings-changed');
    await settings({ strategy: 'simultaneous', targets: [] });
  });

  it('refuses bad bodies with 400, naming each problem, and changes nothing', async () => {
    const response = await owner.put(url(), {
      strategy: 'sequential',
      targets: [
        target('desk', -1, 10),
        target('webphone', 0, 100000),
        target('device', 0, 10, 'no-such-device'),
        target('device', 0, 10, 'dev-other'),
        { kind: 'external', number: '+4930123456', delaySeconds: 0, timeoutSeconds: 20 },
      ],
      schedule: {
        timeZone: 'Mars/Olympus',
        weekly: [
          { days: ['mon', 'tue'], from: '09:00', to: '17:00' },
          { days: ['tue'], from: '16:00', to: '18:00' },
          { days: ['wed'], from: '18:00', to: '09:00' },
        ],
        holidays: [],
        outsideHours: { forwardTo: '2999' },
      },
    });
    expect(response.statusCode).toBe(400);
    const paths = (response.json().error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual([
      'targets.0.delaySeconds',
      'targets.1.timeoutSeconds',
      'targets.2.deviceId',
      'targets.3.deviceId',
      'targets.4.number',
      'schedule.timeZone',
      'schedule.weekly.2',
      'schedule.weekly.1',
      'schedule.outsideHours.forwardTo',
    ]);
    expect((await owner.get(url())).json()).toMatchObject({ strategy: 'simultaneous', targets: [] });
    expect((await owner.put(url(), { strategy: 'round-robin', targets: [] })).statusCode).toBe(400);
    expect((await owner.put(url(), { strategy: 'simultaneous' })).statusCode).toBe(400);
  });

  it('another agent may neither read nor change them', async () => {
    const stranger = apiClient(t.app, await login(t.app, other.username, other.password));
    expect((await stranger.get(url())).statusCode).toBe(403);
    expect((await stranger.put(url(), { strategy: 'simultaneous', targets: [] })).statusCode).toBe(403);
  });
});

describe('ringing by strategy', () => {
  it('simultaneous: desk and mobile both ring, the mobile answers, the desk stops at once (completed elsewhere)', async () => {
    await settings({ strategy: 'simultaneous', targets: [target('desk', 0, 20), target('device', 0, 20, device.id)] });
    const since = t.events.length;
    const outgoing = phones['2001']!.dial('2002');
    const [desk, mobile] = await Promise.all([phones['2002']!.waitForIncoming(), phones[device.id]!.waitForIncoming()]);
    expect(ringingNow('2002-web')).toEqual([]);
    phones[device.id]!.answer(mobile);
    await closed(desk, 1000);
    expect(desk.sipReason).toBe('SIP;cause=200;text="Call completed elsewhere"');
    await eventually(() => outgoing.state === 'established', 2000, 'caller connected');
    const found = await eventually(() => t.events.slice(since).find((e) => e.type === 'call.answered'), 2000, 'answered');
    const types = t.events.slice(since).filter((e) => e.type.startsWith('call.'));
    const answered = found.data as { device: { endpoint: string } };
    expect(answered.device.endpoint).toBe(`PJSIP/${device.id}`);
    expect(types.filter((e) => e.type === 'call.ringing')).toHaveLength(2);
    phones['2001']!.hangup(outgoing);
    await closed(mobile);
  });

  it('a delayed target starts ringing only after its delay', async () => {
    await settings({ strategy: 'simultaneous', targets: [target('desk', 0, 20), target('webphone', 1, 20)] });
    const outgoing = phones['2001']!.dial('2002');
    await phones['2002']!.waitForIncoming();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ringingNow('2002-web')).toEqual([]);
    const web = await phones['2002-web']!.waitForIncoming();
    expect(Date.now() - started).toBeGreaterThan(400);
    phones['2001']!.hangup(outgoing);
    await closed(web);
  });

  it('sequential: the desk rings for its timeout, then stops, then the mobile rings; nobody answers: no answer (480)', async () => {
    await settings({ strategy: 'sequential', targets: [target('desk', 0, 1), target('device', 0, 1, device.id)] });
    const since = t.events.length;
    const outgoing = phones['2001']!.dial('2002');
    const desk = await phones['2002']!.waitForIncoming();
    expect(ringingNow(device.id)).toEqual([]);
    const mobile = await phones[device.id]!.waitForIncoming();
    expect(desk.state).toBe('closed');
    await closed(outgoing);
    expect(outgoing.status).toBe(480);
    expect(mobile.state).toBe('closed');
    const ended = await eventually(() => t.events.slice(since).find((e) => e.type === 'call.ended'), 2000, 'ended');
    expect((ended.data as { disposition: string }).disposition).toBe('no-answer');
  });

  it('sequential: a busy desk moves on at once', async () => {
    await settings({ strategy: 'sequential', targets: [target('desk', 0, 10), target('device', 0, 10, device.id)] });
    const outgoing = phones['2001']!.dial('2002');
    const desk = await phones['2002']!.waitForIncoming();
    const rejected = Date.now();
    phones['2002']!.reject(486, desk);
    const mobile = await phones[device.id]!.waitForIncoming();
    expect(Date.now() - rejected).toBeLessThan(1000);
    phones[device.id]!.answer(mobile);
    await eventually(() => outgoing.state === 'established', 2000, 'caller connected');
    phones['2001']!.hangup(outgoing);
    await closed(mobile);
  });

  it('sequential: the caller hanging up during the second step stops it: cancelled', async () => {
    await settings({ strategy: 'sequential', targets: [target('desk', 0, 1), target('device', 0, 10, device.id)] });
    const since = t.events.length;
    const outgoing = phones['2001']!.dial('2002');
    await phones['2002']!.waitForIncoming();
    const mobile = await phones[device.id]!.waitForIncoming();
    phones['2001']!.hangup(outgoing);
    await closed(mobile);
    const ended = await eventually(() => t.events.slice(since).find((e) => e.type === 'call.ended'), 3000, 'ended');
    expect((ended.data as { disposition: string }).disposition).toBe('cancelled');
  });

  it('follow-me: the desk alone first, then the others join while the desk keeps ringing', async () => {
    await settings({
      strategy: 'follow-me',
      targets: [target('desk', 0, 1), target('webphone', 0, 5), target('device', 0, 5, device.id)],
    });
    const outgoing = phones['2001']!.dial('2002');
    const desk = await phones['2002']!.waitForIncoming();
    expect(ringingNow('2002-web')).toEqual([]);
    const [web, mobile] = await Promise.all([phones['2002-web']!.waitForIncoming(), phones[device.id]!.waitForIncoming()]);
    expect(desk.state).not.toBe('closed');
    phones['2002']!.answer(desk);
    await Promise.all([closed(web, 1000), closed(mobile, 1000)]);
    await eventually(() => outgoing.state === 'established', 2000, 'caller connected');
    phones['2001']!.hangup(outgoing);
    await closed(desk);
  });

  it('outside business hours (a holiday today) the schedule forwards', async () => {
    const today = new Date().toISOString().slice(0, 10);
    await settings({
      strategy: 'simultaneous',
      targets: [],
      schedule: {
        timeZone: 'UTC',
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
        holidays: [today],
        outsideHours: { forwardTo: '2003' },
      },
    });
    const outgoing = phones['2001']!.dial('2002');
    const forwarded = await phones['2003']!.waitForIncoming();
    expect(ringingNow('2002')).toEqual([]);
    phones['2001']!.hangup(outgoing);
    await closed(forwarded);
    await settings({ strategy: 'simultaneous', targets: [] });
  });
});

describe('handoff: POST /api/calls/{id}/handoff {device}', () => {
  /** 2001 calls 2002, whose desk answers; returns the call id and both phones' calls. */
  async function talkingOnDesk() {
    await settings({ strategy: 'simultaneous', targets: [target('desk', 0, 20)] });
    const since = t.events.length;
    const outgoing = phones['2001']!.dial('2002');
    const desk = await phones['2002']!.waitForIncoming();
    phones['2002']!.answer(desk);
    const answered = await eventually(() => t.events.slice(since).find((e) => e.type === 'call.answered'), 3000, 'answered');
    return { outgoing, desk, callId: (answered.data as { id: string }).id };
  }
  const handoff = (callId: string, device: string) => owner.post(`/api/calls/${callId}/handoff`, { device });

  it('the new device rings showing the other party; answered, it takes over and the old device is released', async () => {
    const { outgoing, desk, callId } = await talkingOnDesk();
    const response = await handoff(callId, device.id);
    expect(response.statusCode, response.body).toBe(202);
    const mobile = await phones[device.id]!.waitForIncoming();
    expect(mobile.remote.number).toBe('2001');
    expect(desk.state).toBe('established');
    const since = t.events.length;
    phones[device.id]!.answer(mobile);
    await closed(desk, 1000);
    const moved = await eventually(() => t.events.slice(since).find((e) => e.type === 'call.handed-off'), 2000, 'call.handed-off');
    expect(moved.data).toMatchObject({ id: callId, device: { endpoint: `PJSIP/${device.id}` } });
    expect(outgoing.state).toBe('established');
    expect(mobile.state).toBe('established');
    await eventually(() => t.double.bridges().some((b) => (b.channels as string[]).length === 2), 2000, 'caller and mobile bridged');
    phones[device.id]!.hangup(mobile);
    await closed(outgoing);
  });

  it('not answered in time (or rejected): the call stays on the old device', async () => {
    const { outgoing, desk, callId } = await talkingOnDesk();
    expect((await handoff(callId, device.id)).statusCode).toBe(202);
    const mobile = await phones[device.id]!.waitForIncoming();
    await closed(mobile, 5000);
    expect(desk.state).toBe('established');
    expect((await handoff(callId, device.id)).statusCode).toBe(202);
    phones[device.id]!.reject(486, await phones[device.id]!.waitForIncoming());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(desk.state).toBe('established');
    expect(outgoing.state).toBe('established');
    phones['2001']!.hangup(outgoing);
    await closed(desk);
  });

  it('the other party hanging up meanwhile ends the call: the new device stops ringing', async () => {
    const { outgoing, desk, callId } = await talkingOnDesk();
    expect((await handoff(callId, device.id)).statusCode).toBe(202);
    const mobile = await phones[device.id]!.waitForIncoming();
    phones['2001']!.hangup(outgoing);
    await Promise.all([closed(desk), closed(mobile)]);
  });

  it('the user hangs the old device up while the new one rings: the other party hears ringback, then talks to the new device', async () => {
    const { outgoing, desk, callId } = await talkingOnDesk();
    expect((await handoff(callId, device.id)).statusCode).toBe(202);
    const mobile = await phones[device.id]!.waitForIncoming();
    phones['2002']!.hangup(desk);
    await closed(desk);
    await eventually(() => phones['2001']!.hears(outgoing).includes('tone:ring'), 2000, 'ringback to the caller');
    expect(outgoing.state).toBe('established');
    phones[device.id]!.answer(mobile);
    await eventually(() => t.double.bridges().some((b) => (b.channels as string[]).length === 2), 2000, 'caller and mobile bridged');
    await eventually(() => phones['2001']!.hears(outgoing).join() === device.id, 2000, 'the caller hears the new device only');
    phones[device.id]!.hangup(mobile);
    await closed(outgoing);
  });

  it('…and if the new device then does not answer, the call ends', async () => {
    const { outgoing, desk, callId } = await talkingOnDesk();
    expect((await handoff(callId, device.id)).statusCode).toBe(202);
    const mobile = await phones[device.id]!.waitForIncoming();
    phones['2002']!.hangup(desk);
    phones[device.id]!.reject(486, mobile);
    await closed(outgoing);
  });

  it('refuses a device not the user’s, the one in use, a stranger, a call not talking', async () => {
    const { outgoing, desk, callId } = await talkingOnDesk();
    expect((await handoff(callId, 'dev-other')).json().error.code).toBe('no-such-device-of-yours');
    expect((await handoff(callId, '2002')).json().error.code).toBe('no-such-device-of-yours');
    expect((await owner.post(`/api/calls/${callId}/handoff`, { device: '../x' })).statusCode).toBe(400);
    const stranger = apiClient(t.app, await login(t.app, other.username, other.password));
    expect((await stranger.post(`/api/calls/${callId}/handoff`, { device: '2003' })).statusCode).toBe(404);
    expect((await handoff('no-such-call', device.id)).statusCode).toBe(404);
    phones['2001']!.hangup(outgoing);
    await closed(desk);
  });
});
