import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { apiClient } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
let adminHeaders: Record<string, string>;
/** A client of the app running now (the token outlives a controller restart). */
const admin = () => apiClient(t.app, adminHeaders);

beforeAll(async () => {
  t = await startTelephony({
    config: { PARK_TIMEOUT_SECONDS: 60, PARK_RECALL_RING_SECONDS: 1, PARK_FALLBACK_EXTENSION: '1003' },
  });
  for (const ext of ['1001', '1002', '1003', '1004', '1005', '1006']) {
    users[ext] = await t.addUser(ext === '1004' ? 'admin' : 'agent', ext);
  }
  await t.start();
  for (const ext of ['1001', '1002', '1003', '1004', '1005', '1006']) phones[ext] = await t.phone(ext);
  adminHeaders = (await clientFor(t.app, users['1004']!)).headers;
});
afterAll(async () => t?.close());
beforeEach(async () => {
  for (const phone of Object.values(phones)) phone.setAnswerMode('auto');
  await eventually(() => t.double.channels().length === 0, 4000, 'no channels left');
  await eventually(async () => (await slots()).every((slot) => !slot.occupied), 4000, 'no slot occupied');
});

type Slot = { slot: string; occupied: boolean; callerIdNumber: string | null; timeoutAt: string | null };
const slots = async () => (await admin().get('/api/parking/slots')).json<{ items: Slot[] }>().items;
const established = (call: PhoneCall) =>
  eventually(() => call.state === 'established', 3000, `call ${call.id} established`);
const closed = (call: PhoneCall, timeoutMs = 4000) =>
  eventually(() => call.state === 'closed', timeoutMs, `call ${call.id} closed`);
const eventOf = (type: string, since: number, timeoutMs = 4000) =>
  eventually(() => t.events.slice(since).find((e) => e.type === type), timeoutMs, type) as Promise<
    AnyPbxEvent & { data: Record<string, unknown> }
  >;

const headers: Record<string, Record<string, string>> = {};

/** `from` calls `to`; `parker` (one of them) parks the other through the API with this timeout. */
async function parkedBy(from: string, to: string, timeoutSeconds: number, slot?: string) {
  const since = t.events.length;
  const outgoing = phones[from]!.dial(to);
  const answered = await eventually(
    () =>
      t.events
        .slice(since)
        .find(
          (e) => e.type === 'call.answered' && (e.data as { from: { number: string } }).from.number === from,
        ),
    3000,
    'call.answered',
  );
  await established(outgoing);
  await phones[to]!.waitForIncoming(); // handed out here, so a later wait sees only the recall
  const callId = (answered.data as { id: string }).id;
  headers[to] ??= (await clientFor(t.app, users[to]!)).headers;
  const response = await apiClient(t.app, headers[to]).post('/api/parking/park', {
    callId,
    timeoutSeconds,
    slot,
  });
  expect(response.statusCode).toBe(201);
  return { outgoing, slot: response.json<Slot>().slot, since };
}

describe('timeout', () => {
  it('rings the parker back with "Park 7NN: <caller>"; answering connects them', async () => {
    const { outgoing, slot, since } = await parkedBy('1001', '1002', 1);
    phones['1002']!.setAnswerMode('manual');
    const timeout = await eventOf('park.timeout', since, 3000);
    expect(timeout.data).toMatchObject({ slot, occupied: true, recallTo: '1002' });
    const recall = await phones['1002']!.waitForIncoming();
    expect(recall.remote).toEqual({ number: '1001', name: `Park ${slot}: ${users['1001']!.display_name}` });
    phones['1002']!.answer(recall);
    const unparked = await eventOf('call.unparked', since);
    expect(unparked.data).toMatchObject({ slot, retrievedBy: { extension: '1002' }, via: 'recall' });
    await eventually(() => phones['1001']!.hears(outgoing).join() === '1002', 2000, '1001 talks to 1002');
    phones['1001']!.hangup(outgoing);
    await closed(recall);
  });

  it('the parker does not answer within the ring time: the fallback extension gets the call', async () => {
    const { outgoing, slot, since } = await parkedBy('1001', '1002', 1);
    phones['1002']!.setAnswerMode('manual');
    const recall = await phones['1002']!.waitForIncoming(3000);
    const unparked = await eventOf('call.unparked', since, 5000);
    expect(unparked.data).toMatchObject({ slot, retrievedBy: { extension: '1003' }, via: 'fallback' });
    await closed(recall);
    await eventually(
      () => phones['1001']!.hears(outgoing).join() === '1003',
      2000,
      '1001 talks to the operator',
    );
    phones['1001']!.hangup(outgoing);
  });

  it('parker unreachable (no phone registered) and the fallback not answering: announced, then it ends', async () => {
    phones['1003']!.setAnswerMode('manual');
    try {
      const { outgoing, slot, since } = await parkedBy('1001', '1005', 1);
      phones['1005']!.unregister();
      await phones['1003']!.waitForIncoming(4000);
      await closed(outgoing, 6000);
      expect(outgoing.prompts).toEqual(['sound:vm-goodbye']); // to its end, then hung up
      const abandoned = await eventOf('park.abandoned', since);
      expect(abandoned.data).toMatchObject({ slot, occupied: false, reason: 'recall-failed' });
    } finally {
      phones['1005'] = await t.phone('1005');
    }
  });

  it('a pick-up racing the timeout: the parked call ends up with exactly one party, the slot is freed', async () => {
    for (const offset of [-30, 0, 30]) {
      const { outgoing, slot, since } = await parkedBy('1001', '1002', 1);
      await new Promise((resolve) => setTimeout(resolve, 1000 + offset));
      const pickup = phones['1003']!.dial(slot);
      await eventOf('call.unparked', since);
      await eventually(
        () => ['1002', '1003'].includes(phones['1001']!.hears(outgoing).join()),
        3000,
        'one party',
      );
      const winner = phones['1001']!.hears(outgoing).join();
      if (winner === '1002') await closed(pickup);
      else expect(pickup.state).toBe('established');
      expect(t.events.slice(since).filter((e) => e.type === 'call.unparked')).toHaveLength(1);
      phones['1001']!.hangup(outgoing);
      await eventually(() => t.double.channels().length === 0, 4000, 'everything hung up');
      expect((await slots()).filter((s) => s.occupied)).toEqual([]);
    }
  });
});

describe('controller restart', () => {
  it('three parked calls stay parked and retrievable; their timers resume with the time they had left', async () => {
    const parked = [
      await parkedBy('1001', '1002', 3),
      await parkedBy('1003', '1004', 60),
      await parkedBy('1005', '1006', 60),
    ];
    const before = await slots();
    await t.restartController();
    const after = await slots();
    expect(after.filter((s) => s.occupied)).toEqual(before.filter((s) => s.occupied));
    expect(after.filter((s) => s.occupied).map((s) => s.slot)).toEqual(['701', '702', '703']);
    for (const park of parked)
      expect(
        phones[park === parked[1] ? '1003' : park === parked[2] ? '1005' : '1001']!.hears(park.outgoing),
      ).toEqual(['moh']);

    // 703 picked up by dialling it, after the restart.
    const since = t.events.length;
    const pickup = phones['1002']!.dial('703');
    await established(pickup);
    await eventually(
      () => phones['1005']!.hears(parked[2]!.outgoing).join() === '1002',
      2000,
      '1005 talks to 1002',
    );
    phones['1002']!.hangup(pickup);

    // 701's timer fires when it was due (3 s after parking), ringing 1002 back.
    const timeout = await eventOf('park.timeout', since, 4000);
    expect(timeout.data.slot).toBe('701');
    const due = Date.parse(String(before[0]!.timeoutAt));
    expect(Math.abs(Date.parse(timeout.at) - due)).toBeLessThan(600);
    await eventually(
      () => phones['1001']!.hears(parked[0]!.outgoing).join() === '1002',
      3000,
      'recall answered',
    );
    phones['1001']!.hangup(parked[0]!.outgoing);
    phones['1003']!.hangup(parked[1]!.outgoing);
    expect(t.double.deviceStates()).toContainEqual({ name: 'Stasis:park-702', state: 'INUSE' });
  });

  it('a parked caller who hung up while the controller was away frees the slot on reconnect (park.abandoned)', async () => {
    const { outgoing, slot } = await parkedBy('1001', '1002', 60);
    await t.connection.stop();
    phones['1001']!.hangup(outgoing);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const since = t.events.length;
    await t.restartController();
    const abandoned = await eventOf('park.abandoned', since);
    expect(abandoned.data).toMatchObject({ slot, reason: 'vanished' });
    await eventually(
      () => t.double.deviceStates().some((d) => d.name === `Stasis:park-${slot}` && d.state === 'NOT_INUSE'),
      2000,
      'BLF off',
    );
  });
  it('a park-7NN bridge whose row was lost is adopted from Asterisk alone: the slot is taken again and retrievable', async () => {
    const { outgoing, slot } = await parkedBy('1001', '1002', 60);
    await t.connection.stop();
    await sql`UPDATE park_slots SET park_id = NULL, state = NULL, channel_id = NULL WHERE slot = ${slot}`.execute(
      t.db,
    );
    const since = t.events.length;
    await t.restartController();
    const parked = await eventOf('call.parked', since);
    expect(parked.data).toMatchObject({ slot, callerIdNumber: '1001', via: 'adopted' });
    expect((await slots()).filter((s) => s.occupied).map((s) => s.slot)).toEqual([slot]);
    const pickup = phones['1003']!.dial(slot);
    await established(pickup);
    await eventually(() => phones['1001']!.hears(outgoing).join() === '1003', 2000, '1001 talks to 1003');
    phones['1003']!.hangup(pickup);
  });
});
