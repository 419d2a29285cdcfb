import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { clientFor, eventually, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';

let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};

beforeAll(async () => {
  t = await startTelephony({ config: { PARK_TIMEOUT_SECONDS: 60, PARK_RECALL_RING_SECONDS: 1 } });
  for (const ext of ['1001', '1002', '1003', '1004']) users[ext] = await t.addUser(ext === '1004' ? 'admin' : 'agent', ext);
  await t.start();
  for (const ext of ['1001', '1002', '1003']) phones[ext] = await t.phone(ext);
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

type Slot = { slot: string; occupied: boolean; callerIdNumber: string | null; parkerExtension: string | null };
const admin = () => clientFor(t.app, users['1004']!);
async function slots(): Promise<Slot[]> {
  const response = await (await admin()).get('/api/parking/slots');
  return response.json<{ items: Slot[] }>().items;
}
const occupied = async () => (await slots()).filter((slot) => slot.occupied);

const established = (call: PhoneCall) => eventually(() => call.state === 'established', 3000, `call ${call.id} established`);
const closed = (call: PhoneCall) => eventually(() => call.state === 'closed', 4000, `call ${call.id} closed`);
const eventOf = (type: string, since: number) =>
  eventually(() => t.events.slice(since).find((e) => e.type === type), 4000, type) as Promise<AnyPbxEvent & { data: Record<string, unknown> }>;

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
    expect(parked.data).toMatchObject({ slot: '701', occupied: true, callerIdNumber: '1001', parkerExtension: '1002', via: 'blind-transfer' });
    await eventually(() => phones['1002']!.hears(incoming).join() === 'sound:digits/7', 2000, '1002 hears the slot');
    expect(phones['1001']!.hears(outgoing)).toEqual(['moh']);
    await closed(incoming);
    expect(incoming.transferNotifies).toEqual([100, 200]);
    expect(outgoing.state).toBe('established');
    expect(t.double.deviceStates()).toContainEqual({ name: 'Stasis:park-701', state: 'INUSE' });
    expect(await occupied()).toMatchObject([{ slot: '701', callerIdNumber: '1001', parkerExtension: '1002' }]);

    const pickup = phones['1003']!.dial('701');
    const unparked = await eventOf('call.unparked', since);
    expect(unparked.data).toMatchObject({ slot: '701', occupied: false, retrievedBy: { extension: '1003' }, via: 'dial' });
    await established(pickup);
    await eventually(() => phones['1003']!.hears(pickup).join() === '1001', 2000, '1003 hears 1001');
    expect(phones['1001']!.hears(outgoing)).toEqual(['1003']);
    expect(t.double.deviceStates()).toContainEqual({ name: 'Stasis:park-701', state: 'NOT_INUSE' });
    expect(await occupied()).toEqual([]);

    phones['1001']!.hangup(outgoing);
    await closed(pickup);
  });
});
