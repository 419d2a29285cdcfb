/**
 * The ring settings editor in Debian's Chromium against the real controller (issue 14): the controller's validation
 * problems shown on their fields (`aria-invalid`, an alert), then saved. Its screenshot is the docs' settings screen.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../controller/features/auth/password.js';
import { insertUser, login, type TestApp } from '../helpers/test-app.js';
import { startWebphoneHarness, type HarnessUser, type WebphoneHarness } from './webphone-harness.js';

const screenshots = process.env.UPDATE_SCREENSHOTS
  ? resolve('docs/screenshots')
  : join(tmpdir(), 'webphone-e2e-screenshots');
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

let h: WebphoneHarness;
let t: TestApp;
let agent: HarnessUser;
beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  h = await startWebphoneHarness({ username: 'fred', extension: '3401' });
  ({ t, agent } = h);
}, 120_000);
afterAll(async () => h?.close());

describe('ring settings in the webphone', () => {
  it("shows the controller's validation problems on the fields, then saves", async () => {
    const page = await h.signIn(
      await h.browser.newContext({ viewport: { width: 1280, height: 1100 }, permissions: ['microphone'] }),
    );
    await page.getByRole('button', { name: 'Edit ring settings' }).click();
    await page.getByRole('combobox', { name: 'Ring', exact: true }).selectOption('sequential');

    await page.getByRole('button', { name: 'Add a target' }).click();
    await page.getByRole('combobox', { name: 'Target 1', exact: true }).selectOption('desk');
    await page.getByLabel('Target 1 rings for (s)').fill('999');
    await page.getByRole('button', { name: 'Add a target' }).click();
    await page.getByLabel('Target 2 number').fill('+15551230000');
    await page.getByRole('button', { name: 'Save ring settings' }).click();

    const timeout = page.getByLabel('Target 1 rings for (s)');
    await eventually(() => timeout.getAttribute('aria-invalid')).toBe('true');
    const alerts = page.getByTestId('ring-settings').getByRole('alert');
    await eventually(() => alerts.allTextContents()).toEqual([
      expect.stringMatching(/seconds/),
      expect.stringMatching(/outbound trunk/),
    ]);
    await page.screenshot({ path: join(screenshots, 'settings.png'), animations: 'disabled' });
    // Fixed: a webphone target instead of the mobile, a shorter ring: saved.
    await page.getByLabel('Target 1 rings for (s)').fill('15');
    await page.getByRole('combobox', { name: 'Target 2', exact: true }).selectOption('webphone');
    await page.getByRole('button', { name: 'Save ring settings' }).click();
    await eventually(() => page.getByTestId('ring-settings').getByRole('status').textContent()).toBe(
      'Saved.',
    );
    expect(await timeout.getAttribute('aria-invalid')).toBeNull();
    const saved = await t.app.server.inject({
      method: 'GET',
      url: `/api/users/${agent.id}/ring-settings`,
      headers: await login(t.app, 'fred', agent.password),
    });
    expect(saved.json()).toMatchObject({
      strategy: 'sequential',
      targets: [
        { kind: 'desk', delaySeconds: 0, timeoutSeconds: 15 },
        { kind: 'webphone', delaySeconds: 0, timeoutSeconds: 20 },
      ],
    });
    await page.context().close();
  });

  it('hot desk: a wrong PIN is refused with its reason; the right one logs in at the desk, then out', async () => {
    await t.db
      .updateTable('users')
      .set({ pin_hash: await hashSecret('2468') })
      .where('id', '=', agent.id)
      .execute();
    const admin = await insertUser(t.db, { role: 'admin', username: 'root-e2e' });
    const made = await t.app.server.inject({
      method: 'POST',
      url: '/api/devices',
      headers: await login(t.app, 'root-e2e', admin.password),
      payload: { id: 'lobby', name: 'Lobby desk', hotdesk: true, sipPassword: 'lobby-secret-pw' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const page = await h.signIn();
    const panel = page.getByTestId('hotdesk');
    await panel.getByRole('textbox', { name: 'Desk phone' }).fill('lobby');
    await panel.getByLabel('Hot desk PIN').fill('1111');
    await panel.getByRole('button', { name: 'Log in at this desk' }).click();
    await eventually(() => panel.getByRole('alert').textContent()).toMatch(/PIN/i);
    await panel.getByLabel('Hot desk PIN').fill('2468');
    await panel.getByRole('button', { name: 'Log in at this desk' }).click();
    await eventually(() => panel.textContent()).toContain('Logged in at Lobby desk');
    await panel.getByRole('button', { name: 'Log out of Lobby desk' }).click();
    await eventually(() => panel.textContent()).toContain('You are not logged in at a shared desk phone.');
    await page.context().close();
  });
});
