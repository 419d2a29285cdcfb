import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import type { ApiClient } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/**
 * An external ring target (issue 12): 2002's mobile is rung through the trunk (the carrier at 127.0.0.2) beside the
 * desk, and screened: the mobile's answer counts only once 1 is pressed, so its voicemail can never take the call.
 */
let t: Telephony;
let owner: ApiClient;
let carrier: SimPhone;
const phones: Record<string, SimPhone> = {};
const users: Record<string, TestUser> = {};
const MOBILE = '+14155550177';

beforeAll(async () => {
  t = await startTelephony({ config: { SCREENING_SECONDS: 3, DIAL_TIMEOUT_SECONDS: 20 } });
  users['2001'] = await t.addUser('agent', '2001');
  users['2002'] = await t.addUser('agent', '2002');
  users['2009'] = await t.addUser('admin', '2009');
  await t.start();
  phones['2001'] = await t.phone('2001');
  phones['2002'] = await t.phone('2002', 'manual');
  carrier = t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
  const admin = await clientFor(t.app, users['2009']!);
  const trunk = await admin.post('/api/trunks', {
    name: 'Carrier',
    host: '127.0.0.2',
    match: ['127.0.0.2'],
    callerId: '+14155550100',
  });
  expect(trunk.statusCode, trunk.body).toBe(201);
  await eventually(
    async () => (await t.connection.pbx.getSipObject('aor', `trunk-${trunk.json().id}`)).ok,
    3000,
    'pushed',
  );
  owner = await clientFor(t.app, users['2002']!);
  const saved = await owner.put(`/api/users/${users['2002']!.id}/ring-settings`, {
    strategy: 'simultaneous',
    targets: [
      { kind: 'desk', delaySeconds: 0, timeoutSeconds: 15 },
      { kind: 'external', number: MOBILE, delaySeconds: 0, timeoutSeconds: 15 },
    ],
  });
  expect(saved.statusCode, saved.body).toBe(200);
});
afterAll(async () => t?.close());

const closed = (call: PhoneCall, ms = 5000) =>
  eventually(() => call.state === 'closed', ms, `call ${call.id} closed`);
const incomingCount = (phone: SimPhone) => phone.calls.filter((c) => c.direction === 'incoming').length;
const nextIncoming = (phone: SimPhone, seen: number) =>
  eventually(() => phone.calls.filter((c) => c.direction === 'incoming')[seen], 3000, `${phone.id} rung`);
const idle = () => eventually(() => t.double.channels().length === 0, 5000, 'every channel gone');

/** 2001 calls 2002: the desk and the mobile (through the carrier) ring; the mobile answers and hears the question. */
async function mobileAnswers() {
  const [deskSeen, carrierSeen] = [incomingCount(phones['2002']!), incomingCount(carrier)];
  const outgoing = phones['2001']!.dial('2002');
  const [desk, mobile] = await Promise.all([
    nextIncoming(phones['2002']!, deskSeen),
    nextIncoming(carrier, carrierSeen),
  ]);
  expect(mobile.requestUri).toBe(`sip:${MOBILE}@127.0.0.2:5060`);
  expect(mobile.remote.number, 'the carrier is shown the trunk’s caller ID').toBe('+14155550100');
  carrier.answer(mobile);
  await eventually(
    () => carrier.hears(mobile).includes('sound:followme/call-from'),
    2000,
    'the question is played',
  );
  expect(outgoing.state, 'the caller is not answered by the mobile’s answer').not.toBe('established');
  expect(desk.state).not.toBe('closed');
  return { outgoing, desk, mobile };
}

describe('an external ring target, screened', () => {
  it('refuses an external target while there is no way out for the user (no permission): 400 naming it', async () => {
    await t.db
      .updateTable('users')
      .set({ outbound_allowed: false })
      .where('id', '=', users['2001']!.id)
      .execute();
    const other = await clientFor(t.app, users['2001']!);
    const refused = await other.put(`/api/users/${users['2001']!.id}/ring-settings`, {
      strategy: 'simultaneous',
      targets: [{ kind: 'external', number: MOBILE, delaySeconds: 0, timeoutSeconds: 15 }],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toEqual([
      { path: 'targets.0.number', message: `${MOBILE}: this user may not call outside numbers` },
    ]);
    await t.db
      .updateTable('users')
      .set({ outbound_allowed: true })
      .where('id', '=', users['2001']!.id)
      .execute();
  });

  it('1 accepts: the desk stops (answered elsewhere), caller and mobile talk, 2002 answered it', async () => {
    const since = t.events.length;
    const { outgoing, desk, mobile } = await mobileAnswers();
    carrier.sendDtmf('1', mobile);
    await closed(desk);
    expect(desk.sipReason).toBe('SIP;cause=200;text="Call completed elsewhere"');
    await eventually(() => outgoing.state === 'established', 2000, 'the caller is answered');
    await eventually(
      () => phones['2001']!.hears(outgoing).includes(carrier.id),
      2000,
      'the caller hears the mobile',
    );
    const answered = await eventually(
      () => t.events.slice(since).find((e) => e.type === 'call.answered'),
      2000,
      'answered',
    );
    expect(answered.data).toMatchObject({ answeredBy: { extension: '2002' } });
    phones['2001']!.hangup(outgoing);
    await idle();
  });

  it('2 rejects: the mobile is hung up, the desk rings on and can still answer', async () => {
    const { outgoing, desk, mobile } = await mobileAnswers();
    carrier.sendDtmf('2', mobile);
    await closed(mobile);
    expect(desk.state).not.toBe('closed');
    phones['2002']!.answer(desk);
    await eventually(() => outgoing.state === 'established', 2000, 'the desk answered');
    phones['2001']!.hangup(outgoing);
    await idle();
  });

  it('silence (a voicemail): after SCREENING_SECONDS the mobile is dropped; the call never counts as answered by it', async () => {
    const { outgoing, desk, mobile } = await mobileAnswers();
    await closed(mobile, 5000);
    expect(outgoing.state).not.toBe('established');
    expect(desk.state).not.toBe('closed');
    phones['2001']!.hangup(outgoing);
    await closed(desk);
    await idle();
  });

  it('the caller hangs up during the screening: the mobile and the desk stop', async () => {
    const { outgoing, desk, mobile } = await mobileAnswers();
    phones['2001']!.hangup(outgoing);
    await Promise.all([closed(desk), closed(mobile)]);
    await idle();
  });
});
