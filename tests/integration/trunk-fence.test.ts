import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPagingGroup } from '../../controller/db/paging.repository.js';
import { inTransaction } from '../../controller/db/transaction.js';
import type { DoubleTrace, SimPhone } from '../ari-double/index.js';
import { clientFor, eventually, startTelephony, type Telephony } from '../helpers/telephony.js';

/**
 * The trunk fence on the ARI double: a carrier at 127.0.0.2 (identified by its address, never registered) dialling
 * feature codes, a page number, supervision, an extension, park and a slot reaches nothing — no leg originated to
 * anyone, no event, nothing changed — whatever its From claims (here: the user 1001). Feature codes match no
 * extension of `[from-trunk]` (`_X.`, `_+.`), so Asterisk answers 404 itself, as measured live; numbers enter Stasis
 * as the trunk's and get the numbering plan's 404 (no inbound route). With the trunk's endpoint pointed at another
 * context the codes do reach the controller, which refuses them 403 (a trunk call whatever the dialplan says).
 */
let t: Telephony;
let carrier: SimPhone;
let desk1001: SimPhone;
let desk1002: SimPhone;
let trunkId: string;
const requests: DoubleTrace[] = [];

beforeAll(async () => {
  t = await startTelephony();
  const admin = await t.addUser('admin', '1001');
  await t.addUser('agent', '1002');
  await t.start();
  desk1001 = await t.phone('1001', 'manual');
  desk1002 = await t.phone('1002', 'manual');
  await inTransaction(t.db, (trx) =>
    insertPagingGroup(trx, {
      number: '801',
      name: 'Floor',
      members: ['1002'],
      everyone: false,
      priority: 'normal',
      busyPolicy: 'force',
      beep: false,
      maxSeconds: 60,
    }),
  );
  const client = await clientFor(t.app, admin);
  const created = await client.post('/api/trunks', { name: 'Carrier', host: '127.0.0.2', match: ['127.0.0.2'] });
  trunkId = created.json().id;
  carrier = t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
  const pushed = async () => (await t.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok;
  await eventually(pushed, 3000, 'the trunk pushed');
  t.double.observe((record) => {
    if (record.kind !== 'stasis-start' && record.kind !== 'state-change') requests.push(record);
  });
});
afterAll(async () => t?.close());

const claims = { name: 'Alice', number: '1001' };

async function refused(dialled: string) {
  const since = t.events.length;
  const dndBefore = await t.db.selectFrom('users').select(['extension', 'dnd']).orderBy('extension').execute();
  requests.length = 0;
  const call = carrier.dial(dialled, claims);
  await eventually(() => call.state === 'closed', 2000, `${dialled} answered`);
  await eventually(() => t.double.channels().length === 0, 1000, 'every channel gone');
  expect(requests, 'no leg created or originated').toEqual([]);
  expect(t.events.slice(since).map((e) => e.type), 'no event').toEqual([]);
  expect(await t.db.selectFrom('users').select(['extension', 'dnd']).orderBy('extension').execute()).toEqual(dndBefore);
  for (const phone of [desk1001, desk1002])
    expect(phone.calls.filter((c) => c.direction === 'incoming'), `${phone.id} never rang`).toEqual([]);
  return call;
}

describe('a carrier calling the PBX reaches nothing but inbound routes', () => {
  it.each([
    ['*76', 404],
    ['*78', 404],
    ['*11', 404],
    ['*2221002', 404],
    ['*2241002', 404],
    ['*801002', 404],
    ['**1001', 404],
    ['*721002', 404],
    ['801', 404],
    ['1001', 404],
    ['1002', 404],
    ['700', 404],
    ['701', 404],
    ['+14155550100', 404],
  ])('%s is refused with %i', async (dialled, status) => {
    const call = await refused(dialled);
    expect(call.status).toBe(status);
    expect(call.endedBy).toBe('remote');
  });

  it('a trunk endpoint pointed at another context is still a trunk call: 1002 does not ring', async () => {
    const endpoint = `trunk-${trunkId}`;
    await t.connection.pbx.putSipObject('endpoint', endpoint, { context: 'from-internal' });
    try {
      const call = await refused('1002');
      expect(call.status).toBe(404);
      const code = await refused('*76');
      expect(code.status).toBe(403);
    } finally {
      await t.connection.pbx.putSipObject('endpoint', endpoint, { context: 'from-trunk' });
    }
  });

  it('a peer no trunk matches is not let in at all (challenged: 401)', async () => {
    const stranger = t.double.addCarrier('127.0.0.9:5060');
    const call = stranger.dial('1002', claims);
    await eventually(() => call.state === 'closed', 2000, 'refused');
    expect(call.status).toBe(401);
    expect(desk1002.calls).toEqual([]);
  });
});
