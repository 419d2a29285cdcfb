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

let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};

beforeAll(async () => {
  t = await startTelephony({
    config: { PARK_TIMEOUT_SECONDS: 60, PARK_RECALL_RING_SECONDS: 1, PARK_FALLBACK_EXTENSION: '1003' },
  });
  for (const ext of ['1001', '1002', '1003', '1004', '1005', '1006'])
    users[ext] = await t.addUser(ext === '1004' ? 'admin' : 'agent', ext);
  await t.start();
  for (const ext of ['1001', '1002', '1003', '1005', '1006']) phones[ext] = await t.phone(ext);
  phones['1004'] = await t.phone('1004', 'manual');
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await settled();
});

/** Nothing left over from the previous test: no channel, no occupied slot. */
async function settled() {
  await eventually(() => t.double.channels().length === 0, 4000, 'no channels left');
  await eventually(async () => (await occupied()).length === 0, 4000, 'no slot occupied');
}

type Slot = {
  slot: string;
  occupied: boolean;
  callerIdNumber: string | null;
  parkerExtension: string | null;
};
let adminClient: Awaited<ReturnType<typeof clientFor>> | undefined;
const admin = async () => (adminClient ??= await clientFor(t.app, users['1004']!));
async function slots(): Promise<Slot[]> {
  const response = await (await admin()).get('/api/parking/slots');
  return response.json<{ items: Slot[] }>().items;
}
const occupied = async () => (await slots()).filter((slot) => slot.occupied);

const established = (call: PhoneCall) =>
  eventually(() => call.state === 'established', 3000, `call ${call.id} established`);
const closed = (call: PhoneCall) => eventually(() => call.state === 'closed', 4000, `call ${call.id} closed`);
const eventOf = (type: string, since: number) =>
  eventually(() => t.events.slice(since).find((e) => e.type === type), 4000, type) as Promise<
    AnyPbxEvent & { data: Record<string, unknown> }
  >;

/** `from` calls `to` (auto-answer): both phones' calls once the call is answered. */
async function talking(from: string, to: string) {
  const since = t.events.length;
  const outgoing = phones[from]!.dial(to);
  await eventOf('call.answered', since);
  const incoming = phones[to]!.calls.at(-1)!;
  await established(outgoing);
  return { outgoing, incoming };
}

describe('park by blind transfer and pick up by dialling the slot', () => {
  it('1002 transfers 1001 to 700: 1002 hears 701, 1001 hears MOH, 1003 dials 701 and talks to 1001', async () => {
    const { outgoing, incoming } = await talking('1001', '1002');
    const since = t.events.length;
    phones['1002']!.transfer('700', incoming);
    const parked = await eventOf('call.parked', since);
    expect(parked.data).toMatchObject({
      slot: '701',
      occupied: true,
      callerIdNumber: '1001',
      parkerExtension: '1002',
      via: 'blind-transfer',
    });
    await eventually(
      () => phones['1002']!.hears(incoming).join() === 'sound:digits/7',
      2000,
      '1002 hears the slot',
    );
    expect(phones['1001']!.hears(outgoing)).toEqual(['moh']);
    await closed(incoming);
    expect(incoming.transferNotifies).toEqual([100, 200]);
    expect(outgoing.state).toBe('established');
    expect(t.double.deviceStates()).toContainEqual({ name: 'Stasis:park-701', state: 'INUSE' });
    expect(await occupied()).toMatchObject([
      { slot: '701', callerIdNumber: '1001', parkerExtension: '1002' },
    ]);

    const pickup = phones['1003']!.dial('701');
    const unparked = await eventOf('call.unparked', since);
    expect(unparked.data).toMatchObject({
      slot: '701',
      occupied: false,
      retrievedBy: { extension: '1003' },
      via: 'dial',
    });
    await established(pickup);
    await eventually(() => phones['1003']!.hears(pickup).join() === '1001', 2000, '1003 hears 1001');
    expect(phones['1001']!.hears(outgoing)).toEqual(['1003']);
    // The picked-up call names the parked caller and the device that dialled the slot (the webphone shows them).
    const live = (await (await admin()).get('/api/calls')).json<{ items: Record<string, unknown>[] }>().items;
    expect(live).toContainEqual(
      expect.objectContaining({
        from: expect.objectContaining({ number: '1001' }),
        channels: expect.arrayContaining([
          expect.objectContaining({ role: 'callee', endpoint: 'PJSIP/1003', state: 'up' }),
        ]),
      }),
    );
    // The BLF update is carried out after the event is published: wait for Asterisk to have it.
    await eventually(
      () => t.double.deviceStates().some((d) => d.name === 'Stasis:park-701' && d.state === 'NOT_INUSE'),
      2000,
      'slot 701 BLF off',
    );
    expect(await occupied()).toEqual([]);

    phones['1001']!.hangup(outgoing);
    await closed(pickup);
  });
});

const slotOfEvent = (event: { data: Record<string, unknown> }) => String(event.data.slot);
/** A call ringing at this phone other than `previous` (a ring-back after it closed). */
const newIncoming = (ext: string, previous: PhoneCall) =>
  eventually(
    () =>
      phones[ext]!.calls.find((c) => c.direction === 'incoming' && c !== previous && c.state !== 'closed'),
    3000,
    `a new call at ${ext}`,
  );

describe('park from a desk phone', () => {
  it.each(['705', '799'])(
    'a blind transfer to slot %s parks there, and the transferer hears every digit to its end before it is released',
    async (slot) => {
      const { outgoing, incoming } = await talking('1001', '1002');
      const since = t.events.length;
      phones['1002']!.transfer(slot, incoming);
      expect(slotOfEvent(await eventOf('call.parked', since))).toBe(slot);
      await eventually(
        () => phones['1002']!.hears(incoming).join() === 'sound:digits/7',
        2000,
        'slot announced',
      );
      await closed(incoming);
      // Released on the announcement's PlaybackFinished: after the digits played out at the phone (the double's
      // playout delay models the audio still in flight, which a release at once would cut).
      expect(incoming.prompts.slice(0, 3)).toEqual([...slot].map((digit) => `sound:digits/${digit}`));
      expect(incoming.transferNotifies).toEqual([100, 200]);
      phones['1001']!.hangup(outgoing);
      const abandoned = await eventOf('park.abandoned', since);
      expect(abandoned.data).toMatchObject({ slot, occupied: false, reason: 'caller-hung-up' });
    },
  );

  it('a transfer to an occupied slot: the transferer hears the invalid prompt, then gets a final NOTIFY 603; its phone hangs up on it (as baresip does) and is rung back, so the transferee is never lost', async () => {
    const first = await talking('1001', '1002');
    const since = t.events.length;
    phones['1002']!.transfer('700', first.incoming);
    await eventOf('call.parked', since);
    await closed(first.incoming);

    const second = await talking('1003', '1005');
    const sinceRefusal = t.events.length;
    phones['1005']!.transfer('701', second.incoming);
    await closed(second.incoming); // the phone hung up its call on the failure NOTIFY
    expect(second.incoming.prompts).toEqual(['sound:pbx-invalid']); // heard to its end first
    expect(second.incoming.transferNotifies).toEqual([100, 603]);
    expect(second.incoming.transferFailed).toBe(true);
    // 1003 stays in its call, hears ringback, and 1005 is rung back with 1003's caller ID.
    const ringBack = await newIncoming('1005', second.incoming);
    expect(ringBack.remote).toMatchObject({ number: '1003' });
    await established(ringBack);
    await eventually(() => phones['1005']!.hears(ringBack).join() === '1003', 2000, '1005 hears 1003 again');
    expect(phones['1003']!.hears(second.outgoing)).toEqual(['1005']);
    expect(second.outgoing.state).toBe('established');
    const answered = await eventually(
      () => t.events.slice(sinceRefusal).find((e) => e.type === 'call.answered'),
      2000,
      'the ring-back answered',
    );
    expect(answered.data).toMatchObject({ from: { number: '1003' }, to: { number: '1005' } });
    expect(await occupied()).toMatchObject([{ slot: '701', callerIdNumber: '1001' }]);
    phones['1003']!.hangup(second.outgoing);
    await closed(ringBack);
    phones['1001']!.hangup(first.outgoing);
  });

  it('a blind transfer to a number nobody has is declined at once with a final NOTIFY 603', async () => {
    const { outgoing, incoming } = await talking('1001', '1002');
    phones['1002']!.transfer('1999', incoming);
    await closed(incoming);
    expect(incoming.transferNotifies).toEqual([100, 603]);
    const ringBack = await newIncoming('1002', incoming);
    await established(ringBack);
    await eventually(() => phones['1001']!.hears(outgoing).join() === '1002', 2000, '1001 hears 1002 again');
    phones['1001']!.hangup(outgoing);
    await closed(ringBack);
  });

  it('#72 parks the other party: the parker hears the slot and is released', async () => {
    const { outgoing, incoming } = await talking('1001', '1002');
    const since = t.events.length;
    phones['1002']!.sendDtmf('#72', incoming);
    const parked = await eventOf('call.parked', since);
    expect(parked.data).toMatchObject({
      slot: '701',
      callerIdNumber: '1001',
      parkerExtension: '1002',
      via: 'code',
    });
    await eventually(
      () => phones['1002']!.hears(incoming).join() === 'sound:digits/7',
      2000,
      'slot announced',
    );
    expect(phones['1001']!.hears(outgoing)).toEqual(['moh']);
    await closed(incoming);
    expect(incoming.prompts.slice(0, 3)).toEqual(['sound:digits/7', 'sound:digits/0', 'sound:digits/1']);
    expect(outgoing.state).toBe('established');
    phones['1001']!.hangup(outgoing);
    await eventOf('park.abandoned', since);
  });

  it('attended transfer to 700: the consultation leg hears the slot, the REFER with Replaces parks the transferee', async () => {
    const { outgoing, incoming } = await talking('1001', '1002');
    const since = t.events.length;
    const consultation = phones['1002']!.dial('700');
    await established(consultation);
    await eventually(
      () => phones['1002']!.hears(consultation).join() === 'sound:digits/7',
      2000,
      'slot announced',
    );
    const selfParked = await eventOf('call.parked', since);
    expect(selfParked.data).toMatchObject({ slot: '701', callerIdNumber: '1002', via: 'self' });
    const replaced = t.events.length;
    phones['1002']!.attendedTransfer(incoming, consultation);
    const parked = await eventOf('call.parked', replaced);
    expect(parked.data).toMatchObject({ slot: '701', callerIdNumber: '1001', parkerExtension: '1002' });
    await Promise.all([closed(incoming), closed(consultation)]);
    expect(phones['1001']!.hears(outgoing)).toEqual(['moh']);
    expect(await occupied()).toMatchObject([{ slot: '701', callerIdNumber: '1001' }]);

    const pickup = phones['1003']!.dial('701');
    await established(pickup);
    await eventually(() => phones['1001']!.hears(outgoing).join() === '1003', 2000, '1001 talks to 1003');
    phones['1003']!.hangup(pickup);
    await closed(outgoing);
  });

  it('dialling 700 and hanging up frees the slot (park.abandoned)', async () => {
    const since = t.events.length;
    const call = phones['1003']!.dial('700');
    await eventOf('call.parked', since);
    phones['1003']!.hangup(call);
    expect((await eventOf('park.abandoned', since)).data).toMatchObject({
      slot: '701',
      reason: 'caller-hung-up',
    });
    // The BLF update is carried out after the event is published: wait for Asterisk to have it.
    await eventually(
      () => t.double.deviceStates().some((d) => d.name === 'Stasis:park-701' && d.state === 'NOT_INUSE'),
      2000,
      'slot 701 BLF off',
    );
  });

  it('dialling an empty slot plays a prompt and ends', async () => {
    const call = phones['1003']!.dial('710');
    await eventually(() => call.prompts.includes('sound:pbx-invalidpark'), 2000, 'prompt');
    await closed(call);
  });
});

describe('events a real Asterisk sends twice (measured on 22.10.1)', () => {
  const snapshotOf = (id: string) => t.double.channels().find((c) => c.id === id)!;

  it('a ChannelTransfer delivered twice parks once', async () => {
    const { outgoing, incoming } = await talking('1001', '1002');
    const since = t.events.length;
    const transferer = snapshotOf(incoming.channelId!);
    const transferee = snapshotOf(outgoing.channelId!);
    phones['1002']!.transfer('700', incoming);
    t.double.emitRaw({
      type: 'ChannelTransfer',
      timestamp: new Date().toISOString(),
      refer_to: { requested_destination: { destination: '700' } },
      referred_by: { source_channel: transferer, connected_channel: transferee },
      application: 'pbx',
    });
    await eventOf('call.parked', since);
    await closed(incoming);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.events.slice(since).filter((e) => e.type === 'call.parked')).toHaveLength(1);
    expect((await occupied()).map((s) => s.slot)).toEqual(['701']);
    phones['1001']!.hangup(outgoing);
  });

  it('#72 with every ChannelDtmfReceived delivered twice parks', async () => {
    const { outgoing, incoming } = await talking('1001', '1002');
    const since = t.events.length;
    const parker = snapshotOf(incoming.channelId!);
    for (const digit of '#72') {
      // A real copy is byte-identical to the original (same timestamp): one event, sent twice.
      const event = {
        type: 'ChannelDtmfReceived',
        timestamp: new Date().toISOString(),
        digit,
        duration_ms: 180,
        channel: parker,
        application: 'pbx',
      };
      for (let copy = 0; copy < 2; copy++) t.double.emitRaw(event);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    expect((await eventOf('call.parked', since)).data).toMatchObject({ callerIdNumber: '1001', via: 'code' });
    await closed(incoming);
    phones['1001']!.hangup(outgoing);
  });
});
