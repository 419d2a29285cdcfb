import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';

let t: Telephony;
let alice: TestUser;
let bob: TestUser;
const phones: Record<string, SimPhone> = {};

beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 1 } });
  alice = await t.addUser('agent', '1001');
  bob = await t.addUser('agent', '1002');
  await t.addUser('agent', '1003'); // never registers a phone
  await t.addUser('agent', '1004');
  await t.start();
  phones['1001'] = await t.phone('1001');
  phones['1002'] = await t.phone('1002', 'manual');
  phones['1002-web'] = await t.phone('1002-web', 'manual');
  phones['1004'] = await t.phone('1004', 'manual');
});
afterAll(async () => t?.close());

const logOf = (callId: string) => t.db.selectFrom('call_logs').selectAll().where('call_id', '=', callId).executeTakeFirst();
const closed = (call: PhoneCall) => eventually(() => call.state === 'closed', 3000, `phone call ${call.id} closed`);
const callEvents = (callId: string) =>
  t.events.filter((e) => e.type.startsWith('call.') && (e.data as { id: string }).id === callId).map((e) => e.type);

async function waitForCallEnd(to: string, since: number) {
  return eventually(
    () => t.events.slice(since).find((e) => e.type === 'call.ended' && (e.data as { to: { number: string } }).to.number === to),
    4000,
    `call.ended to ${to}`,
  ).then((event) => event.data as { id: string; disposition: string });
}

/** 1001 calls 1002; the webphone answers. Returns the phones' calls once both are in the bridge. */
async function talking() {
  const since = t.events.length;
  const outgoing = phones['1001']!.dial('1002');
  const [desk, web] = await Promise.all([phones['1002']!.waitForIncoming(), phones['1002-web']!.waitForIncoming()]).catch((error: unknown) => {
    console.error('DIAG', JSON.stringify({ events: t.events.slice(since), channels: t.double.channels(), outgoing, desk: phones['1002']!.calls.slice(-2), state: t.connection.state() }, null, 1));
    throw error;
  });
  phones['1002-web']!.answer(web);
  const answered = await eventually(() => t.events.slice(since).find((e) => e.type === 'call.answered'), 3000, 'call.answered');
  return { outgoing, desk, web, since, callId: (answered.data as { id: string }).id };
}

describe('extension to extension', () => {
  it('rings every device of the callee with the caller’s ID, and the first to answer gets the call', async () => {
    const { outgoing, desk, web, since, callId } = await talking();
    expect(web.remote).toEqual({ number: '1001', name: alice.display_name });
    expect(desk.remote).toEqual({ number: '1001', name: alice.display_name });
    expect(outgoing.state).toBe('established');
    await closed(desk);
    expect(desk.endedBy).toBe('remote');
    const seen = t.events.slice(since).filter((e) => e.type.startsWith('call.'));
    expect(seen.map((e) => e.type)).toEqual(['call.ringing', 'call.ringing', 'call.answered']);
    // One call.ringing per device leg, naming it; call.answered names the device that won.
    const devices = seen.map((e) => (e.data as { device?: { endpoint: string } }).device?.endpoint);
    expect(devices.slice(0, 2).sort()).toEqual(['PJSIP/1002', 'PJSIP/1002-web']);
    expect(devices[2]).toBe('PJSIP/1002-web');
    expect(desk.sipReason).toBe('SIP;cause=200;text="Call completed elsewhere"');

    const call = await t.app.server.inject({ method: 'GET', url: `/api/calls/${callId}`, headers: await authHeader(bob) });
    expect(call.json()).toMatchObject({ id: callId, state: 'answered', from: { number: '1001' }, to: { number: '1002' } });
    expect(call.json().answeredBy).toEqual({ userId: bob.id, extension: '1002', name: bob.display_name, displayName: bob.display_name });

    phones['1001']!.hangup(outgoing);
    await closed(web);
    expect(web.endedBy).toBe('remote');
    expect(await waitForCallEnd('1002', since)).toMatchObject({ id: callId, disposition: 'answered' });
    expect(callEvents(callId)).toEqual(['call.ringing', 'call.ringing', 'call.answered', 'call.ended']);
    const log = await logOf(callId);
    expect(log).toMatchObject({
      direction: 'internal',
      from_number: '1001',
      from_name: alice.display_name,
      to_number: '1002',
      caller_user_id: alice.id,
      answered_by_user_id: bob.id,
      answered_by_extension: '1002',
      disposition: 'answered',
    });
    expect(log!.answered_at).toBeInstanceOf(Date);
    expect(log!.ended_at).toBeInstanceOf(Date);
    await eventually(() => t.double.bridges().length === 0 && t.double.channels().length === 0, 2000, 'no bridge or channel left');
  });

  it('the callee hanging up while talking hangs up the caller', async () => {
    const { outgoing, web, callId } = await talking();
    phones['1002-web']!.hangup(web);
    await closed(outgoing);
    expect(outgoing).toMatchObject({ endedBy: 'remote', status: 200 });
    await eventually(async () => (await logOf(callId))?.ended_at, 3000, 'log closed');
    expect(await logOf(callId)).toMatchObject({ disposition: 'answered' });
  });

  const failures = [
    { name: 'busy (486 from the only device)', dial: '1004', act: (c: PhoneCall) => phones['1004']!.reject(486, c), status: 486, disposition: 'busy' },
    { name: 'unregistered callee', dial: '1003', act: undefined, status: 480, disposition: 'unavailable' },
    { name: 'unknown number', dial: '1999', act: undefined, status: 404, disposition: 'unknown-number' },
    { name: 'no answer within the dial timeout', dial: '1004', act: () => undefined, status: 480, disposition: 'no-answer' },
  ];

  it.each(failures)('$name: the caller hears $status, never answered; the log says $disposition', async (c) => {
    const since = t.events.length;
    const outgoing = phones['1001']!.dial(c.dial);
    if (c.act) c.act(await phones['1004']!.waitForIncoming());
    await closed(outgoing);
    expect(outgoing.status).toBe(c.status);
    const ended = await waitForCallEnd(c.dial, since);
    expect(ended.disposition).toBe(c.disposition);
    expect(callEvents(ended.id)).not.toContain('call.answered');
    expect(await logOf(ended.id)).toMatchObject({ disposition: c.disposition, answered_at: null, to_number: c.dial });
  });

  it('the caller hanging up while it rings stops every device: cancelled', async () => {
    const since = t.events.length;
    const outgoing = phones['1001']!.dial('1002');
    const desk = await phones['1002']!.waitForIncoming();
    const web = await phones['1002-web']!.waitForIncoming();
    await eventually(() => outgoing.state === 'early', 3000, 'ringback at the caller');
    phones['1001']!.hangup(outgoing);
    await Promise.all([closed(desk), closed(web)]);
    expect((await waitForCallEnd('1002', since)).disposition).toBe('cancelled');
  });
});

describe('the ARI socket drops', () => {
  it('adopts a call that survived the drop; hanging up afterwards ends both and closes the log', async () => {
    const { outgoing, web, callId } = await talking();
    t.double.dropWebSockets();
    await eventually(() => t.connection.state() !== 'connected', 2000, 'disconnect seen');
    await eventually(() => t.connection.state() === 'connected', 3000, 'reconnected');
    await t.app.server.inject({ method: 'GET', url: '/healthz' });
    expect(outgoing.state).toBe('established');
    phones['1001']!.hangup(outgoing);
    await closed(web);
    await eventually(() => callEvents(callId).includes('call.ended'), 3000, 'call.ended');
    expect(callEvents(callId)).toEqual(['call.ringing', 'call.ringing', 'call.answered', 'call.ended']);
    expect((await logOf(callId))?.ended_at).toBeInstanceOf(Date);
  });

  it('a hang-up while the socket was down is noticed on reconnect: the partner is hung up, the log closed', async () => {
    const { outgoing, web, callId } = await talking();
    await t.connection.stop();
    phones['1002-web']!.hangup(web);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outgoing.state).toBe('established');
    await t.restartController();
    await closed(outgoing);
    await eventually(async () => (await logOf(callId))?.ended_at, 3000, 'log closed');
    expect(await logOf(callId)).toMatchObject({ disposition: 'answered', answered_by_user_id: bob.id });
  });
});

async function authHeader(user: TestUser) {
  const response = await t.app.server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: user.password } });
  return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
}

