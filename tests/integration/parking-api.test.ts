import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';
import { connectEvents, eventsUrl } from '../helpers/ws-client.js';

let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
const clients: Record<string, Awaited<ReturnType<typeof clientFor>>> = {};

beforeAll(async () => {
  t = await startTelephony({ config: { PARK_TIMEOUT_SECONDS: 60, PARK_RECALL_RING_SECONDS: 1 } });
  for (const ext of ['1001', '1002', '1003', '1004', '1005', '1006']) {
    users[ext] = await t.addUser(ext === '1004' ? 'admin' : 'agent', ext);
  }
  await t.start();
  for (const ext of ['1001', '1002', '1003', '1004', '1005', '1006']) phones[ext] = await t.phone(ext);
  for (const ext of ['1002', '1004']) clients[ext] = await clientFor(t.app, users[ext]!);
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await eventually(() => t.double.channels().length === 0, 4000, 'no channels left');
  await sql`UPDATE park_slots SET park_id = NULL, state = NULL, channel_id = NULL WHERE park_id LIKE 'fake-%'`.execute(
    t.db,
  );
  await eventually(async () => (await slots()).every((slot) => !slot.occupied), 4000, 'no slot occupied');
});

type Slot = {
  slot: string;
  occupied: boolean;
  callerIdNumber: string | null;
  parkerExtension: string | null;
};
const slots = async () => (await clients['1004']!.get('/api/parking/slots')).json<{ items: Slot[] }>().items;
const established = (call: PhoneCall) =>
  eventually(() => call.state === 'established', 3000, `call ${call.id} established`);
const closed = (call: PhoneCall) => eventually(() => call.state === 'closed', 4000, `call ${call.id} closed`);
const eventOf = (type: string, since: number) =>
  eventually(() => t.events.slice(since).find((e) => e.type === type), 4000, type) as Promise<
    AnyPbxEvent & { data: Record<string, unknown> }
  >;

async function talking(from: string, to: string) {
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
    `call.answered ${from}`,
  );
  const incoming = phones[to]!.calls.at(-1)!;
  await established(outgoing);
  return { outgoing, incoming, callId: (answered.data as { id: string }).id };
}

/** Every slot but the given ones taken by fake occupants (as if parked by another instance). */
async function fillAllBut(...free: string[]) {
  await sql`UPDATE park_slots SET park_id = 'fake-' || slot, channel_id = 'fake' WHERE park_id IS NULL AND NOT (slot = ANY(${free}))`.execute(
    t.db,
  );
}

describe('GET /api/parking/slots and the WebSocket snapshot', () => {
  it('lists all 99 slots in the SPEC shape; the snapshot carries them as parkSlots', async () => {
    const items = await slots();
    expect(items).toHaveLength(99);
    expect(items[0]).toEqual({
      slot: '701',
      occupied: false,
      callerIdNumber: null,
      callerIdName: null,
      parkerExtension: null,
      parkedAt: null,
      timeoutAt: null,
    });
    expect(items.at(-1)?.slot).toBe('799');
    await t.app.server.listen({ host: '127.0.0.1', port: 0 });
    const ws = connectEvents(eventsUrl(t.app), clients['1002']!.headers);
    const snapshot = await ws.next((m) => m.type === 'snapshot');
    expect((snapshot.data as { parkSlots: Slot[] }).parkSlots).toHaveLength(99);
    const { outgoing, callId } = await talking('1001', '1002');
    await clients['1002']!.post('/api/parking/park', { callId });
    const parked = await ws.next((m) => m.type === 'call.parked');
    expect(parked.data).toMatchObject({
      slot: '701',
      occupied: true,
      callerIdNumber: '1001',
      parkerExtension: '1002',
    });
    phones['1001']!.hangup(outgoing);
    expect((await ws.next((m) => m.type === 'park.abandoned')).data).toMatchObject({
      slot: '701',
      occupied: false,
    });
    ws.close();
  });
});

describe('POST /api/parking/park', () => {
  it('a participant parks the other party; answers once Asterisk confirmed; the requester is hung up', async () => {
    const { outgoing, incoming, callId } = await talking('1001', '1002');
    const response = await clients['1002']!.post('/api/parking/park', {
      callId,
      slot: 742,
      timeoutSeconds: 120,
    });
    expect(response.statusCode).toBe(201);
    const body = response.json<Slot & { timeoutAt: string; parkedAt: string }>();
    expect(body).toMatchObject({
      slot: '742',
      occupied: true,
      callerIdNumber: '1001',
      parkerExtension: '1002',
    });
    expect(Date.parse(body.timeoutAt) - Date.parse(body.parkedAt)).toBeGreaterThan(119_000);
    expect(phones['1001']!.hears(outgoing)).toEqual(['moh']);
    await closed(incoming);
    await eventually(
      () => t.double.deviceStates().some((d) => d.name === 'Stasis:park-742' && d.state === 'INUSE'),
      2000,
      'BLF',
    );
    phones['1001']!.hangup(outgoing);
  });

  it('a taken slot is 409 slot-occupied, a full lot 409 parking-full; nothing is lost', async () => {
    await fillAllBut('799');
    const first = await talking('1001', '1002');
    const second = await talking('1003', '1005');
    const taken = await clients['1004']!.post('/api/parking/park', { callId: second.callId, slot: '701' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: { code: 'slot-occupied' } });
    expect((await clients['1004']!.post('/api/parking/park', { callId: first.callId })).json()).toMatchObject(
      { slot: '799' },
    );
    const full = await clients['1004']!.post('/api/parking/park', { callId: second.callId });
    expect(full.statusCode).toBe(409);
    expect(full.json()).toMatchObject({ error: { code: 'parking-full' } });
    expect(phones['1003']!.hears(second.outgoing)).toEqual(['1005']);
    for (const call of [first.outgoing, second.outgoing])
      phones[call === first.outgoing ? '1001' : '1003']!.hangup(call);
  });

  it('bad requests: both or neither of callId/channelId, a slot outside 701-799, a call nobody has', async () => {
    const admin = clients['1004']!;
    expect((await admin.post('/api/parking/park', {})).statusCode).toBe(400);
    expect((await admin.post('/api/parking/park', { callId: 'a', channelId: 'b' })).statusCode).toBe(400);
    expect((await admin.post('/api/parking/park', { channelId: 'x', slot: 800 })).statusCode).toBe(400);
    expect((await admin.post('/api/parking/park', { callId: 'nope' })).json()).toMatchObject({
      error: { code: 'no-such-call' },
    });
    expect((await admin.post('/api/parking/park', { channelId: 'nope' })).json()).toMatchObject({
      error: { code: 'no-such-channel' },
    });
  });
});

describe('POST /api/parking/retrieve', () => {
  it('rings the extension and connects the parked call to it; an empty slot is 404 slot-empty', async () => {
    const { outgoing, callId } = await talking('1001', '1002');
    await clients['1002']!.post('/api/parking/park', { callId });
    const since = t.events.length;
    const response = await clients['1004']!.post('/api/parking/retrieve', { slot: '701', extension: '1003' });
    expect(response.statusCode).toBe(202);
    const unparked = await eventOf('call.unparked', since);
    expect(unparked.data).toMatchObject({
      slot: '701',
      occupied: false,
      retrievedBy: { extension: '1003' },
      via: 'api',
    });
    await eventually(() => phones['1001']!.hears(outgoing).join() === '1003', 2000, '1001 talks to 1003');
    const empty = await clients['1004']!.post('/api/parking/retrieve', { slot: '701', extension: '1003' });
    expect(empty.statusCode).toBe(404);
    expect(empty.json()).toMatchObject({ error: { code: 'slot-empty' } });
    const forbidden = await clients['1002']!.post('/api/parking/retrieve', {
      slot: '701',
      extension: '1003',
    });
    expect(forbidden.statusCode).toBe(403);
    phones['1001']!.hangup(outgoing);
  });
});

describe('atomic slots', () => {
  it('two parks at the same instant on the last free slot: one gets it, the other hears parking-full and keeps talking', async () => {
    await fillAllBut('799');
    const a = await talking('1001', '1002');
    const b = await talking('1003', '1005');
    const since = t.events.length;
    phones['1002']!.transfer('700', a.incoming);
    phones['1005']!.transfer('700', b.incoming);
    const parked = await eventOf('call.parked', since);
    expect(parked.data.slot).toBe('799');
    const [winner, loser] = parked.data.callerIdNumber === '1001' ? [a, b] : [b, a];
    await eventually(() => loser.incoming.prompts.includes('sound:pbx-parkingfailed'), 2000, 'parking full');
    await closed(winner.incoming);
    expect(loser.outgoing.state).toBe('established');
    expect(t.events.slice(since).filter((e) => e.type === 'call.parked')).toHaveLength(1);
    expect((await slots()).filter((s) => s.occupied && s.callerIdNumber)).toHaveLength(1);
    phones[winner === a ? '1001' : '1003']!.hangup(winner.outgoing);
    phones[loser === a ? '1001' : '1003']!.hangup(loser.outgoing);
  });
});
