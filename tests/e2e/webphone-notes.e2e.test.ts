/**
 * Notes typed during a call, in Debian's Chromium against the controller (issue 14): auto-saved to the call's log
 * as one note, and never lost on a reload. The far end is the fake Asterisk over SIP-WebSocket (`sip-peer.ts`);
 * the controller's view of the call (its `call.answered`, its call log row) is given as the calls feature would.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { TestApp } from '../helpers/test-app.js';
import { header } from './sip-message.js';
import type { SipPeer } from './sip-peer.js';
import { startWebphoneHarness, type WebphoneHarness } from './webphone-harness.js';

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

function publish(type: string, data: unknown) {
  t.app.bus.deliver({ type, at: new Date().toISOString(), data } as unknown as AnyPbxEvent);
}

let h: WebphoneHarness;
let registrar: SipPeer;
let t: TestApp;
beforeAll(async () => {
  h = await startWebphoneHarness({ username: 'dana', extension: '3301' });
  ({ registrar, t } = h);
}, 120_000);
afterAll(async () => h?.close());

/** Signed in as the agent, the phone registered. */
async function signedIn(): Promise<Page> {
  const page = await h.signIn();
  await eventually(() => page.getByTestId('registration').textContent()).toBe('Registered');
  return page;
}

const savedNotes = async () =>
  t.db
    .selectFrom('notes')
    .innerJoin('call_logs', 'call_logs.id', 'notes.call_log_id')
    .where('call_logs.call_id', '=', 'call-notes-1')
    .select('notes.body')
    .execute();

describe('call notes in the webphone', () => {
  it('auto-saves notes typed during a call as one note, and a reload mid-typing loses nothing', async () => {
    const page = await signedIn();
    // dana calls 3302; the fake Asterisk answers.
    await page.getByLabel('Number to dial').fill('3302');
    await page.getByLabel('Number to dial').press('Enter');
    const invite = await registrar.request(
      (m) => m.method === 'INVITE' && (m.uri ?? '').startsWith('sip:3302@') && !/;tag=/.test(header(m, 'to')),
    );
    registrar.respond(invite, '200 OK');
    await eventually(() => page.getByTestId('call-state').textContent()).toMatch(/0:0\d/);
    // What the controller knows of that call: its log row, and the call answered with dana's webphone leg up.
    const startedAt = new Date();
    await t.db
      .insertInto('call_logs')
      .values({
        call_id: 'call-notes-1',
        direction: 'internal',
        from_number: '3301',
        from_name: 'Dana',
        to_number: '3302',
        caller_user_id: h.agent.id,
        answered_by_user_id: null,
        answered_by_extension: '3302',
        contact_id: null,
        started_at: startedAt,
        answered_at: startedAt,
        ended_at: null,
        disposition: null,
      })
      .execute();
    publish('call.answered', {
      id: 'call-notes-1',
      state: 'answered',
      direction: 'internal',
      from: { number: '3301', name: 'Dana', userId: h.agent.id },
      to: { number: '3302', name: 'Erin Evans', userId: null },
      answeredBy: { userId: null, extension: '3302', name: 'Erin Evans' },
      startedAt: startedAt.toISOString(),
      answeredAt: startedAt.toISOString(),
      endedAt: null,
      disposition: null,
      channels: [
        { id: 'ch-a', endpoint: 'PJSIP/3301-web', role: 'caller', state: 'up' },
        { id: 'ch-b', endpoint: 'PJSIP/3302', role: 'callee', state: 'up' },
      ],
    });

    const notes = page.getByRole('textbox', { name: 'Call notes' });
    await notes.fill('Wants a refund for order 42');
    await eventually(() => page.getByTestId('notes-status').textContent()).toBe('Saved to the call history');
    expect(await savedNotes()).toEqual([{ body: 'Wants a refund for order 42' }]);

    // More typed, and the page reloaded at once (before the pause that saves it).
    await notes.fill('Wants a refund for order 42; call back Friday');
    await page.reload();
    // Signed in again from the tab's session; the call is gone with the page, its notes are not.
    const ended = page.getByRole('textbox', { name: 'Notes: call with Erin Evans' });
    await eventually(() => ended.inputValue()).toBe('Wants a refund for order 42; call back Friday');
    await eventually(async () => (await savedNotes()).map((n) => n.body)).toEqual([
      'Wants a refund for order 42; call back Friday',
    ]);
    await page.getByRole('button', { name: 'Close the notes of the call with Erin Evans' }).click();
    await eventually(() => page.getByTestId('ended-notes').count()).toBe(0);
    await page.context().close();
  });
});
