import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { insertTeam, type ApiClient } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/**
 * Blind and attended transfers between ordinary calls (a phone's REFER under ari-only handling) on the ARI double:
 * the transferee goes on with the target, the transferer's legs are released, the call logs and `call.*` events say
 * what happened; refusals leave the transferer with its call (or ring it back after its phone hung up).
 */
let t: Telephony;
let admin: ApiClient;
let carrier: SimPhone;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
const EXTENSIONS = ['1001', '1002', '1003', '1004', '1005'];

beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 5 } });
  for (const ext of EXTENSIONS) users[ext] = await t.addUser(ext === '1001' ? 'admin' : 'agent', ext);
  const team = await insertTeam(t.db, 'Support');
  await t.db.updateTable('users').set({ team_id: team.id }).where('extension', '=', '1005').execute();
  await t.db.updateTable('users').set({ outbound_allowed: false }).where('extension', '=', '1004').execute();
  await t.start();
  for (const ext of EXTENSIONS) phones[ext] = await t.phone(ext, 'manual');
  admin = await clientFor(t.app, users['1001']!);
  const trunk = await admin.post('/api/trunks', { name: 'Carrier', host: '127.0.0.2', match: ['127.0.0.2'] });
  expect(trunk.statusCode).toBe(201);
  const trunkId = trunk.json<{ id: string }>().id;
  carrier = t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
  await eventually(
    async () => (await t.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok,
    3000,
    'the trunk pushed',
  );
  const route = await admin.post('/api/inbound-routes', {
    did: '+15550009',
    teamId: team.id,
    assignedRingSeconds: 1,
    fallback: { kind: 'hangup' },
  });
  expect(route.statusCode).toBe(201);
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await eventually(() => t.double.channels().length === 0, 4000, 'no channels left');
});

const established = (call: PhoneCall) =>
  eventually(() => call.state === 'established', 3000, `call ${call.id} established`);
const closed = (call: PhoneCall) => eventually(() => call.state === 'closed', 4000, `call ${call.id} closed`);
type CallEvent = AnyPbxEvent & { data: Record<string, unknown> & { id: string } };
const eventOf = (type: string, since: number, test: (e: CallEvent) => boolean = () => true) =>
  eventually(
    () => (t.events.slice(since) as CallEvent[]).find((e) => e.type === type && test(e)),
    4000,
    type,
  );
/** The next incoming call ringing at a phone, after those it had. */
const ringingAt = (ext: string, before: number) =>
  eventually(() => phones[ext]!.calls.filter((c) => c.direction === 'incoming')[before], 3000, `${ext} rung`);
const incomingCount = (ext: string) => phones[ext]!.calls.filter((c) => c.direction === 'incoming').length;
const hears = (ext: string, call: PhoneCall, what: string) =>
  eventually(() => phones[ext]!.hears(call).join() === what, 3000, `${ext} hears ${what}`);

/** `from` calls `to`, `to` answers: both phones' calls. */
async function talking(from: string, to: string) {
  const since = t.events.length;
  const before = incomingCount(to);
  const outgoing = phones[from]!.dial(to);
  const incoming = await ringingAt(to, before);
  phones[to]!.answer(incoming);
  await eventOf('call.answered', since);
  await established(outgoing);
  return { outgoing, incoming, callId: (await eventOf('call.answered', since)).data.id };
}

async function logOf(callId: string) {
  const response = await admin.get(`/api/call-logs?callId=${callId}`);
  expect(response.statusCode).toBe(200);
  return response.json<{ items: Record<string, unknown>[] }>().items[0];
}

describe('blind transfer', () => {
  it('1002 transfers 1001 to 1003: 1003 rings showing 1001, 1002 is released with NOTIFY 200, 1001 talks to 1003', async () => {
    const { outgoing, incoming, callId } = await talking('1001', '1002');
    const since = t.events.length;
    const before = incomingCount('1003');
    phones['1002']!.transfer('1003', incoming);
    const rung = await ringingAt('1003', before);
    expect(rung.remote).toMatchObject({ number: '1001' });
    await closed(incoming);
    expect(incoming.transferNotifies).toEqual([100, 200]);
    await hears('1001', outgoing, 'tone:ring');
    expect(outgoing.state).toBe('established');
    const ended = await eventOf('call.ended', since, (e) => e.data.id === callId);
    expect(ended.data).toMatchObject({
      disposition: 'transferred',
      transfer: { direction: 'out', kind: 'blind', by: { number: '1002' }, to: '1003' },
    });
    phones['1003']!.answer(rung);
    await established(rung);
    await hears('1001', outgoing, '1003');
    await hears('1003', rung, '1001');
    const answered = await eventOf('call.answered', since, (e) => e.data.id !== callId);
    const newCallId = answered.data.id;
    expect(answered.data).toMatchObject({
      from: { number: '1001' },
      to: { number: '1003' },
      transfer: { direction: 'in', kind: 'blind', by: { number: '1002' }, callId },
    });
    expect(await logOf(callId)).toMatchObject({
      from: '1001',
      to: '1002',
      answeredBy: '1002',
      disposition: 'transferred',
      transfer: { by: '1002', to: '1003', kind: 'blind', callId: newCallId },
    });
    phones['1003']!.hangup(rung);
    await closed(outgoing);
    await eventOf('call.ended', since, (e) => e.data.id === newCallId);
    expect(await logOf(newCallId)).toMatchObject({
      from: '1001',
      to: '1003',
      answeredBy: '1003',
      disposition: 'answered',
      transfer: { by: '1002', to: '1003', kind: 'blind', callId },
    });
  });

  it('a ChannelTransfer delivered twice (as a real Asterisk does) transfers once', async () => {
    const { outgoing, incoming } = await talking('1001', '1002');
    const snapshot = (id: string) => t.double.channels().find((c) => c.id === id)!;
    const transferer = snapshot(incoming.channelId!);
    const transferee = snapshot(outgoing.channelId!);
    const before = incomingCount('1003');
    phones['1002']!.transfer('1003', incoming);
    t.double.emitRaw({
      type: 'ChannelTransfer',
      timestamp: new Date().toISOString(),
      refer_to: { requested_destination: { destination: '1003' } },
      referred_by: { source_channel: transferer, connected_channel: transferee },
      application: 'pbx',
    });
    const rung = await ringingAt('1003', before);
    await closed(incoming);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(incomingCount('1003')).toBe(before + 1);
    expect(incoming.transferNotifies).toEqual([100, 200]);
    phones['1003']!.answer(rung);
    await hears('1001', outgoing, '1003');
    phones['1001']!.hangup(outgoing);
    await closed(rung);
  });

  it("the target's call handling applies: 1003 forwards everything to 1004, so 1004 rings", async () => {
    const forward = await admin.put(`/api/users/${users['1003']!.id}/forwarding`, { always: '1004' });
    expect(forward.statusCode).toBe(200);
    try {
      const { outgoing, incoming } = await talking('1001', '1002');
      const before = incomingCount('1004');
      phones['1002']!.transfer('1003', incoming);
      const rung = await ringingAt('1004', before);
      expect(rung.remote).toMatchObject({ number: '1001' });
      phones['1004']!.answer(rung);
      await hears('1001', outgoing, '1004');
      phones['1001']!.hangup(outgoing);
      await closed(rung);
    } finally {
      await admin.put(`/api/users/${users['1003']!.id}/forwarding`, { always: null });
    }
  });

  it('to an unknown number: NOTIFY 603, the transferer keeps the call (rung back after its phone hung up)', async () => {
    const { outgoing, incoming, callId } = await talking('1001', '1002');
    const before = incomingCount('1002');
    phones['1002']!.transfer('1999', incoming);
    await closed(incoming);
    expect(incoming.transferNotifies).toEqual([100, 603]);
    const ringBack = await ringingAt('1002', before);
    phones['1002']!.answer(ringBack);
    await hears('1001', outgoing, '1002');
    expect(await logOf(callId)).toMatchObject({ disposition: 'answered', transfer: null });
    phones['1001']!.hangup(outgoing);
    await closed(ringBack);
  });

  it('to a feature code: refused (603), nothing rung', async () => {
    const { outgoing, incoming } = await talking('1001', '1002');
    const before = incomingCount('1002');
    phones['1002']!.transfer('*97', incoming);
    await closed(incoming);
    expect(incoming.transferNotifies).toEqual([100, 603]);
    const ringBack = await ringingAt('1002', before);
    phones['1002']!.answer(ringBack);
    await hears('1001', outgoing, '1002');
    phones['1002']!.hangup(ringBack);
    await closed(outgoing);
  });

  it('to an outside number: out of the trunk for a transferer allowed outside calls; refused for one who is not', async () => {
    const { outgoing, incoming } = await talking('1002', '1001');
    const before = carrier.calls.length;
    phones['1001']!.transfer('95551230000', incoming);
    const out = await eventually(() => carrier.calls[before], 3000, 'the carrier rung');
    expect(out.requestUri).toContain('5551230000');
    await closed(incoming);
    expect(incoming.transferNotifies).toEqual([100, 200]);
    carrier.answer(out);
    await hears('1002', outgoing, carrier.id);
    phones['1002']!.hangup(outgoing);
    await closed(out);

    const second = await talking('1001', '1004');
    const carrierCalls = carrier.calls.length;
    const rungBefore = incomingCount('1004');
    phones['1004']!.transfer('95551230000', second.incoming);
    await closed(second.incoming);
    expect(second.incoming.transferNotifies).toEqual([100, 603]);
    expect(carrier.calls.length).toBe(carrierCalls);
    const ringBack = await ringingAt('1004', rungBefore);
    phones['1004']!.hangup(ringBack);
    await closed(second.outgoing);
  });
});

describe('attended transfer', () => {
  it('1002 consults 1003, then transfers: 1001 and 1003 talk, both of 1002’s legs are released, logs consistent', async () => {
    const first = await talking('1001', '1002');
    phones['1002']!.hold(first.incoming);
    const consultation = await talking('1002', '1003');
    const since = t.events.length;
    phones['1002']!.attendedTransfer(first.incoming, consultation.outgoing);
    await Promise.all([closed(first.incoming), closed(consultation.outgoing)]);
    expect(first.incoming.transferNotifies).toEqual([100, 200]);
    await hears('1001', first.outgoing, '1003');
    await hears('1003', consultation.incoming, '1001');
    const moved = await eventOf('call.transferred', since, (e) => e.data.id === consultation.callId);
    expect(moved.data).toMatchObject({
      state: 'answered',
      from: { number: '1001' },
      answeredBy: { extension: '1003' },
      transfer: {
        direction: 'in',
        kind: 'attended',
        by: { number: '1002' },
        to: '1003',
        callId: first.callId,
      },
    });
    const ended = await eventOf('call.ended', since, (e) => e.data.id === first.callId);
    expect(ended.data).toMatchObject({
      disposition: 'transferred',
      transfer: { direction: 'out', to: '1003' },
    });
    expect(await logOf(first.callId)).toMatchObject({
      from: '1001',
      to: '1002',
      disposition: 'transferred',
      transfer: { by: '1002', to: '1003', kind: 'attended', callId: consultation.callId },
    });
    phones['1001']!.hangup(first.outgoing);
    await closed(consultation.incoming);
    await eventOf('call.ended', since, (e) => e.data.id === consultation.callId);
    expect(await logOf(consultation.callId)).toMatchObject({
      from: '1001',
      to: '1003',
      answeredBy: '1003',
      disposition: 'answered',
      transfer: { by: '1002', to: '1003', kind: 'attended', callId: first.callId },
    });
    expect(t.double.bridges()).toEqual([]);
  });

  it('while the consultation call still rings: 1001 hears ringback, 1003 keeps ringing and talks to 1001 on answer', async () => {
    const first = await talking('1001', '1002');
    phones['1002']!.hold(first.incoming);
    const before = incomingCount('1003');
    const since = t.events.length;
    const consultation = phones['1002']!.dial('1003');
    const rung = await ringingAt('1003', before);
    await eventOf('call.ringing', since);
    phones['1002']!.attendedTransfer(first.incoming, consultation);
    await Promise.all([closed(first.incoming), closed(consultation)]);
    expect(first.incoming.transferNotifies).toEqual([100, 200]);
    await hears('1001', first.outgoing, 'tone:ring');
    expect(rung.state).toBe('ringing');
    phones['1003']!.answer(rung);
    await hears('1001', first.outgoing, '1003');
    await hears('1003', rung, '1001');
    const answered = await eventOf('call.answered', since, (e) => e.data.id !== first.callId);
    expect(answered.data).toMatchObject({
      from: { number: '1001' },
      transfer: { direction: 'in', kind: 'attended', by: { number: '1002' } },
    });
    phones['1003']!.hangup(rung);
    await closed(first.outgoing);
  });
});

describe('the trunk fence', () => {
  it("an outside caller's REFER is refused (603) and nobody is rung; the agent may transfer the outside caller", async () => {
    const before = incomingCount('1005');
    const since = t.events.length;
    const inbound = carrier.dial('+15550009', { name: 'Customer', number: '+15557770001' });
    const rung = await ringingAt('1005', before);
    phones['1005']!.answer(rung);
    await established(inbound);
    const { data } = await eventOf('call.answered', since);
    const callId = data.id;
    const rungBefore = incomingCount('1003');
    carrier.transfer('1003', inbound);
    await eventually(() => inbound.transferNotifies.includes(603), 3000, 'the REFER refused');
    expect(incomingCount('1003')).toBe(rungBefore);
    await eventually(() => t.double.channels().length <= 1, 4000, 'the carrier hung up');

    const seen = incomingCount('1005');
    const sinceAgain = t.events.length;
    const again = carrier.dial('+15550009', { name: 'Customer', number: '+15557770001' });
    const second = await ringingAt('1005', seen);
    phones['1005']!.answer(second);
    await established(again);
    await eventOf('call.answered', sinceAgain);
    phones['1005']!.transfer('1003', second);
    const target = await ringingAt('1003', rungBefore);
    expect(target.remote).toMatchObject({ number: '+15557770001' });
    phones['1003']!.answer(target);
    await hears('1003', target, carrier.id);
    const moved = await eventOf(
      'call.answered',
      since,
      (e) => e.data.id !== callId && e.data.transfer !== null,
    );
    expect(moved.data).toMatchObject({ direction: 'inbound', from: { number: '+15557770001' } });
    carrier.hangup(again);
    await closed(target);
  });
});
