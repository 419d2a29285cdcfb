import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import { eventually, startTelephony, type Telephony } from '../helpers/telephony.js';

/**
 * The numbering plan on the ARI double (as on a real Asterisk, tests/live/dial-plan.live.test.ts): every dialled
 * string gets its final answer at once — routed, a prompt then a hang-up, or a SIP refusal.
 */
let t: Telephony;
let phone: SimPhone;

beforeAll(async () => {
  t = await startTelephony();
  await t.addUser('agent', '1001');
  await t.addUser('agent', '1002');
  await t.start();
  phone = await t.phone('1001');
});
afterAll(async () => t?.close());

describe('dialled strings nobody handles yet', () => {
  it.each([
    ['123456', 404],
    ['4999', 404],
    ['850', 404],
    ['*222', 484],
    ['**', 484],
    ['12', 484],
    ['915551234567', 503],
    ['+4930123456', 503],
  ])('%s is refused with %i, unanswered, at once', async (dialled, status) => {
    const started = Date.now();
    const call = phone.dial(dialled);
    await eventually(() => call.state === 'closed', 1000, `${dialled} answered`);
    expect(call.status).toBe(status);
    expect(call.endedBy).toBe('remote');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  // *97 and *98 are voicemail's now (tests/integration/voicemail-menu.test.ts); *11 on a phone that is no hot desk.
  it.each(['*11'])(
    '%s is answered with the "not available" prompt, then hung up',
    async (dialled) => {
      const since = t.events.length;
      const call = phone.dial(dialled);
      await eventually(() => call.state === 'established', 1000, `${dialled} answered`);
      await eventually(() => call.state === 'closed', 3000, `${dialled} hung up after the prompt`);
      expect(call.prompts).toEqual(['sound:feature-not-avail-line']);
      expect(call.endedBy).toBe('remote');
      await eventually(() => t.double.channels().length === 0, 1000, 'the channel gone');
      // No call was started (the phone's presence went on-call and back, which is presence's business).
      expect(t.events.slice(since).filter((e) => !e.type.startsWith('presence.'))).toEqual([]);
    },
  );

  it('a phone that hangs up during the prompt leaves nothing behind', async () => {
    const call = phone.dial('*79');
    await eventually(() => call.state === 'established', 1000, 'answered');
    phone.hangup(call);
    await eventually(() => t.double.channels().length === 0, 1000, 'channel gone');
  });
});
