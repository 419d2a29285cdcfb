/**
 * The contact-centre side of the webphone in Debian's Chromium, against a real controller driving the ARI double
 * (issue 14): a customer's call routed to two agents pops up with the contact card in one agent's browser and
 * closes, naming who took it, when the other answers on their desk phone; that agent clicking the same customer in
 * Contacts is told who is on a call with them (409 contact-busy). The browser's own SIP goes to the fake Asterisk
 * over SIP-WebSocket (`sip-peer.ts`): the double has no SIP side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPhone } from '../ari-double/index.js';
import { apiClient, insertTeam, type ApiClient } from '../helpers/fixtures.js';
import { eventually as until, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { login } from '../helpers/test-app.js';
import { startSipPeer, type SipPeer } from './sip-peer.js';
import { buildWebphone } from '../helpers/build-webphone.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

let outDir: string;
let registrar: SipPeer;
let t: Telephony;
let baseUrl: string;
let browser: Browser;
let carrier: SimPhone;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'webphone-routing-'));
  await buildWebphone(outDir);
  registrar = await startSipPeer();
  t = await startTelephony({
    config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url, DIAL_TIMEOUT_SECONDS: 30 },
  });
  const team = await insertTeam(t.db, 'Sales');
  for (const ext of ['2101', '2102']) users[ext] = await t.addUser('agent', ext);
  await t.db
    .updateTable('users')
    .set({ team_id: team.id })
    .where('extension', 'in', ['2101', '2102'])
    .execute();
  const boss = await t.addUser('admin', '2109');
  await t.start();
  for (const ext of ['2101', '2102']) phones[ext] = await t.phone(ext, 'manual');
  const admin: ApiClient = apiClient(t.app, await login(t.app, boss.username, boss.password));
  const trunk = await admin.post('/api/trunks', { name: 'Carrier', host: '127.0.0.2', match: ['127.0.0.2'] });
  expect(trunk.statusCode, trunk.body).toBe(201);
  const trunkId = trunk.json<{ id: string }>().id;
  carrier = t.double.addCarrier('127.0.0.2:5060', { answerMode: 'manual' });
  await until(
    async () => (await t.connection.pbx.getSipObject('identify', `trunk-${trunkId}`)).ok,
    3000,
    'trunk',
  );
  const route = await admin.post('/api/inbound-routes', {
    did: '555-0002',
    teamId: team.id,
    assignedRingSeconds: 20,
    fallback: { kind: 'extension', target: '2101' },
  });
  expect(route.statusCode, route.body).toBe(201);
  const contact = await admin.post('/api/contacts', {
    name: 'Maria Lopez',
    company: 'Lopez Logistics',
    phoneNumbers: ['+1 555 222 0001'],
  });
  const contactId = contact.json<{ id: string }>().id;
  for (const ext of ['2101', '2102'])
    await admin.put(`/api/contacts/${contactId}/assignments/${users[ext]!.id}`, { active: true });
  await admin.post(`/api/contacts/${contactId}/notes`, { body: 'Renewal due in March' });
  baseUrl = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-gpu',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await registrar?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('a routed customer call in the webphone', () => {
  it(
    'pops up with the contact card, closes naming who took it; calling that customer then says who has them',
    { timeout: 60_000 },
    async () => {
      const context = await browser.newContext({ permissions: ['microphone'] });
      const page = await context.newPage();
      await page.goto(baseUrl);
      await page.getByLabel('Username').fill(users['2102']!.username);
      await page.getByLabel('Password').fill(users['2102']!.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await eventually(() => page.getByTestId('events-status').textContent()).toBe('Live');

      const call = carrier.dial('+15550002', { name: 'Maria', number: '+15552220001' });
      const popup = page.getByRole('alertdialog', { name: 'Incoming call from Maria Lopez' });
      await popup.waitFor({ timeout: 10_000 });
      const card = popup.getByLabel('Contact');
      await eventually(() => card.textContent()).toContain('Lopez Logistics');
      expect(await card.textContent()).toContain('Renewal due in March');
      expect(await card.textContent()).toMatch(/Assigned to.*2101.*2102|Assigned to.*2102.*2101/);

      // 2101 answers on the desk phone: the popup in 2102's browser closes and says who took it.
      const ringing = await until(
        () => phones['2101']!.calls.find((c) => c.direction === 'incoming' && c.state === 'ringing'),
        5000,
        '2101 rings',
      );
      phones['2101']!.answer(ringing);
      await popup.waitFor({ state: 'detached', timeout: 10_000 });
      await eventually(() =>
        page.getByRole('status').filter({ hasText: 'took the call' }).textContent(),
      ).toBe('Test agent 2101 took the call from Maria Lopez.');

      // 2102 clicks the same customer: one agent per customer.
      await page.getByRole('searchbox', { name: 'Search contacts' }).fill('Lopez');
      await page.getByRole('button', { name: 'Call Maria Lopez at +15552220001' }).click();
      await eventually(() => page.getByRole('alert').filter({ hasText: 'customer' }).textContent()).toBe(
        'Test agent 2101 is on a call with this customer.',
      );
      carrier.hangup(call);
      await until(() => t.double.channels().length === 0, 4000, 'call gone');
      await context.close();
    },
  );
});
