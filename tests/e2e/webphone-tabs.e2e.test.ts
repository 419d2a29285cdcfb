/**
 * One tab owns the phone (issue 14), in Debian's Chromium: a second tab of the same browser signed in as the same
 * user does not register again; it says where the phone is, takes it over on request, and the first tab gets it
 * back by itself when the second closes. SIP goes to the fake Asterisk over SIP-WebSocket (`sip-peer.ts`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebphoneHarness, type WebphoneHarness } from './webphone-harness.js';

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

let h: WebphoneHarness;
beforeAll(async () => {
  h = await startWebphoneHarness({ username: 'gina', extension: '3501' });
}, 120_000);
afterAll(async () => h?.close());

describe('two tabs of one browser', () => {
  it('register once; the second takes the phone over on request; the first gets it back when the second closes', async () => {
    const context = await h.browser.newContext({ permissions: ['microphone'] });
    context.setDefaultTimeout(10_000);
    const first = await h.signIn(context);
    await eventually(() => first.getByTestId('registration').textContent()).toBe('Registered');
    const connectionsBefore = h.registrar.connections.length;

    const second = await h.signIn(context);
    await eventually(() => second.getByTestId('registration').textContent()).toBe('Phone in another tab');
    await new Promise((r) => setTimeout(r, 500));
    expect(h.registrar.connections.length).toBe(connectionsBefore); // no second SIP connection, no REGISTER
    expect(await first.getByTestId('registration').textContent()).toBe('Registered');

    await second.getByRole('button', { name: 'Use the phone here' }).click();
    await eventually(() => second.getByTestId('registration').textContent()).toBe('Registered');
    await eventually(() => first.getByTestId('registration').textContent()).toBe('Phone in another tab');

    await second.close();
    await eventually(() => first.getByTestId('registration').textContent()).toBe('Registered');
    expect(h.registrar.registered.has('3501-web')).toBe(true);
    await context.close();
  });
});
