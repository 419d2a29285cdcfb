import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import { eventually, startTelephony, type Telephony } from '../helpers/telephony.js';

/**
 * A phone that unregisters is gone (issue 16), also after the controller pushed its account again while it was
 * registered. On Asterisk an AOR re-pushed with PUT keeps copies of its registered contacts as permanent contacts,
 * which no un-REGISTER removes (calls kept going to the phone that had left); the ARI double models that copy.
 */
let t: Telephony;
const phones: Record<string, SimPhone> = {};

beforeAll(async () => {
  t = await startTelephony({ config: { DIAL_TIMEOUT_SECONDS: 2 } });
  await t.addUser('agent', '1001');
  await t.addUser('agent', '1002');
  await t.start();
  phones['1001'] = await t.phone('1001');
  phones['1002'] = await t.phone('1002');
});
afterAll(async () => t?.close());

/** The contacts ARI lists for an AOR (registered and permanent alike). */
async function contactsOf(aor: string): Promise<string[]> {
  const fields = await t.connection.pbx.getSipObject('aor', aor);
  if (!fields.ok) return [];
  return fields.value.filter((f) => f.attribute === 'contact' && f.value !== '').map((f) => f.value);
}

/**
 * The controller connects again (its full sync pushes every account) while the phones stay registered; resolves
 * once the sync has reached 1001's endpoint, the last object of its account, whose caller ID was changed for it.
 */
async function resync(marker: string): Promise<void> {
  await t.db.updateTable('users').set({ display_name: marker }).where('extension', '=', '1001').execute();
  t.double.dropWebSockets();
  await eventually(
    async () => {
      const endpoint = await t.connection.pbx.getSipObject('endpoint', '1001');
      return (
        endpoint.ok && endpoint.value.some((f) => f.attribute === 'callerid' && f.value.includes(marker))
      );
    },
    5000,
    'the full sync pushed 1001 again',
  );
}

/** A call from 1002 to 1001: how it ended and when. */
async function callTo1001(): Promise<{ status: number | undefined; afterMs: number }> {
  const started = Date.now();
  const call = phones['1002']!.dial('1001');
  await eventually(() => call.state === 'closed' || call.state === 'established', 5000, 'the call ends');
  if (call.state === 'established') phones['1002']!.hangup(call);
  return { status: call.status, afterMs: Date.now() - started };
}

describe('a phone that unregisters has no contact left', () => {
  it('after the controller re-synced its account while it was registered', async () => {
    expect(await contactsOf('1001')).toHaveLength(1);
    await resync('Resynced once');
    expect(await contactsOf('1001')).toHaveLength(1); // not a second, permanent copy
    phones['1001']!.unregister();
    expect(await contactsOf('1001')).toEqual([]);
    // Unreachable at once (Asterisk: Allocation failed → 480), instead of ringing a contact nobody answers.
    const { status, afterMs } = await callTo1001();
    expect(status).toBe(480);
    expect(afterMs).toBeLessThan(1000);
    phones['1001'] = await t.phone('1001');
  });

  it('an AOR an older controller re-pushed in place (a permanent copy) is created again by the next sync', async () => {
    // What a PUT of the existing AOR does (the controller before issue 16 did this on every sync).
    const auth = `Basic ${Buffer.from('ari:ari').toString('base64')}`;
    await fetch(`${t.double.url}/ari/asterisk/config/dynamic/res_pjsip/aor/1001`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ fields: [{ attribute: 'max_contacts', value: '2' }] }),
    });
    expect(await contactsOf('1001')).toHaveLength(2); // the registration and its permanent copy
    await resync('Resynced twice');
    expect(await contactsOf('1001')).toEqual([]); // created again: the copy is gone, the phone must register again
    phones['1001'] = await t.phone('1001');
    expect(await contactsOf('1001')).toHaveLength(1);
    phones['1001']!.unregister();
    expect(await contactsOf('1001')).toEqual([]);
    expect((await callTo1001()).status).toBe(480);
  });
});
