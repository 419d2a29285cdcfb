/**
 * Attended transfer from the webphone in Debian's Chromium (issue 14): a call, held while the agent consults another
 * extension, then completed as a REFER whose Refer-To replaces the consultation's dialog (RFC 3891), as Asterisk
 * expects; or cancelled, back to the held call. The far ends are the fake Asterisk over SIP-WebSocket.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, type SipMessage } from './sip-message.js';
import type { SipPeer } from './sip-peer.js';
import { startWebphoneHarness, type WebphoneHarness } from './webphone-harness.js';

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

let h: WebphoneHarness;
let registrar: SipPeer;
beforeAll(async () => {
  h = await startWebphoneHarness({ username: 'ivan', extension: '3701' });
  ({ registrar } = h);
}, 120_000);
afterAll(async () => h?.close());

/** Signed in as the agent, the phone registered. */
async function registered(): Promise<Page> {
  const page = await h.signIn();
  await eventually(() => page.getByTestId('registration').textContent()).toBe('Registered');
  return page;
}

const isInvite = (to: string) => (m: SipMessage) =>
  m.method === 'INVITE' && (m.uri ?? '').startsWith(`sip:${to}@`) && !/;tag=/.test(header(m, 'to'));

async function talkingTo(page: Page, number: string): Promise<SipMessage> {
  await page.getByLabel('Number to dial').fill(number);
  await page.getByLabel('Number to dial').press('Enter');
  const invite = await registrar.request(isInvite(number));
  registrar.respond(invite, '200 OK');
  await eventually(() => page.getByTestId('call-state').textContent()).toMatch(/0:0\d/);
  return invite;
}

describe('attended transfer in the webphone', () => {
  it('consults 3703 with 3702 on hold, then completes: REFER with Replaces, both legs released', async () => {
    const page = await registered();

    const first = await talkingTo(page, '3702');
    await page.getByRole('button', { name: 'Consult, then transfer' }).click();
    await page.getByRole('textbox', { name: 'Consult to' }).fill('3703');
    await page.getByRole('button', { name: 'Consult 3703' }).click();
    // The first call goes on hold (re-INVITE a=sendonly), then the consultation call leaves.
    const hold = await registrar.request(
      (m) =>
        m.method === 'INVITE' &&
        header(m, 'call-id') === header(first, 'call-id') &&
        /a=sendonly/.test(m.body),
    );
    registrar.respond(hold, '200 OK');
    const second = await registrar.request(isInvite('3703'));
    registrar.respond(second, '200 OK');
    const consult = page.getByRole('group', { name: 'Consultation with 3703' });
    await eventually(() => consult.getByTestId('consult-state').textContent()).toMatch(/0:0\d/);

    await consult.getByRole('button', { name: 'Complete transfer of 3702 to 3703' }).click();
    const refer = await registrar.request((m) => m.method === 'REFER');
    expect(header(refer, 'call-id')).toBe(header(first, 'call-id'));
    const referTo = decodeURIComponent(header(refer, 'refer-to'));
    expect(referTo).toContain('sip:3703@');
    expect(referTo).toContain(`Replaces=${header(second, 'call-id')}`);
    expect(referTo).toMatch(/to-tag=[^;&>]+/);
    expect(referTo).toMatch(/from-tag=[^;&>]+/);
    // NOTIFY 200 (the fake Asterisk's): the phone releases both of its legs.
    await registrar.request((m) => m.method === 'BYE' && header(m, 'call-id') === header(second, 'call-id'));
    await registrar.request((m) => m.method === 'BYE' && header(m, 'call-id') === header(first, 'call-id'));
    await page.getByLabel('Number to dial').waitFor();
    await page.context().close();
  });

  it('a consultation cancelled: back to the held call, which resumes', async () => {
    const page = await registered();

    const first = await talkingTo(page, '3704');
    await page.getByRole('button', { name: 'Consult, then transfer' }).click();
    await page.getByRole('textbox', { name: 'Consult to' }).fill('3705');
    await page.getByRole('button', { name: 'Consult 3705' }).click();
    const hold = await registrar.request(
      (m) =>
        m.method === 'INVITE' &&
        header(m, 'call-id') === header(first, 'call-id') &&
        /a=sendonly/.test(m.body),
    );
    registrar.respond(hold, '200 OK');
    const second = await registrar.request(isInvite('3705'));
    registrar.respond(second, '180 Ringing');
    const consult = page.getByRole('group', { name: 'Consultation with 3705' });
    await eventually(() => consult.getByTestId('consult-state').textContent()).toBe('Ringing…');
    expect(
      await consult.getByRole('button', { name: 'Complete transfer of 3704 to 3705' }).isDisabled(),
    ).toBe(true);
    await consult.getByRole('button', { name: 'Cancel consultation with 3705' }).click();
    await registrar.request(
      (m) => m.method === 'CANCEL' && header(m, 'call-id') === header(second, 'call-id'),
    );
    const resume = await registrar.request(
      (m) =>
        m.method === 'INVITE' &&
        header(m, 'call-id') === header(first, 'call-id') &&
        /a=sendrecv/.test(m.body),
    );
    registrar.respond(resume, '200 OK');
    await eventually(() => page.getByTestId('call-state').textContent()).not.toContain('On hold');
    expect(await page.getByTestId('consult').count()).toBe(0);
    await page.keyboard.press('Escape');
    await registrar.request((m) => m.method === 'BYE' && header(m, 'call-id') === header(first, 'call-id'));
    await page.context().close();
  });
});
