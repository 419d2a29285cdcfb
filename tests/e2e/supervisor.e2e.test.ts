/**
 * The supervisor's panels in a real browser (Debian's Chromium, playwright-core) against a real controller wired
 * to the ARI double: live calls are made by the double's simulated desk phones, supervision and paging go through
 * the controller's API to the double, and what each phone hears is read from the double. The browsers' own
 * webphones register with a fake SIP-WebSocket registrar (`sip-peer.ts`; the double has no SIP side), so the
 * supervisor listens and pages from their desk phone.
 *
 * Team A: agents 3201 (supervised) and 3203, supervisor 3210; 3202 is an agent of team B (the other party).
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { insertTeam } from '../helpers/fixtures.js';
import { clientFor, startTelephony, type Telephony, type TestUser } from '../helpers/telephony.js';
import { startSipPeer, type SipPeer } from './sip-peer.js';
import { buildWebphone } from '../helpers/build-webphone.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = process.env.UPDATE_SCREENSHOTS
  ? resolve('docs/screenshots')
  : join(tmpdir(), 'webphone-e2e-screenshots');

const AGENT = '3201';
const CUSTOMER = '3202';
const SUP = '3210';

let outDir: string;
let registrar: SipPeer;
let t: Telephony;
let baseUrl: string;
let browser: Browser;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000 });

async function signIn(user: TestUser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1360, height: 900 },
    permissions: ['microphone'],
  });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await eventually(() => page.getByTestId('events-status').textContent()).toBe('Live');
  return page;
}

/** 3202 calls 3201, who answers (the double's phones answer by themselves): a live call of team A. */
async function talking(): Promise<{ agent: PhoneCall; customer: PhoneCall }> {
  const customer = phones[CUSTOMER]!.dial(AGENT);
  await eventually(() => customer.state).toBe('established');
  const agent = phones[AGENT]!.calls.at(-1)!;
  return { agent, customer };
}

/** The supervisor answers the desk phone ringing for their page. */
async function answerPagerLeg() {
  const ringing = () => phones[SUP]!.calls.find((c) => c.direction === 'incoming' && c.state === 'ringing');
  await eventually(() => Boolean(ringing())).toBe(true);
  phones[SUP]!.answer(ringing());
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'supervisor-e2e-'));
  mkdirSync(screenshots, { recursive: true });
  await buildWebphone(outDir);
  registrar = await startSipPeer();
  t = await startTelephony({ config: { WEBPHONE_DIR: outDir, SIP_WS_URL: registrar.url } });
  const teamA = await insertTeam(t.db, 'Sales');
  const teamB = await insertTeam(t.db, 'Support');
  const plan: [string, 'agent' | 'supervisor' | 'admin', string | null, string][] = [
    [AGENT, 'agent', teamA.id, 'Alice Adams'],
    [CUSTOMER, 'agent', teamB.id, 'Bruno Berg'],
    ['3203', 'agent', teamA.id, 'Carla Cruz'],
    [SUP, 'supervisor', teamA.id, 'Sue Santos'],
    ['3220', 'admin', null, 'Ada Admin'],
  ];
  for (const [ext, role, teamId, name] of plan) {
    users[ext] = await t.addUser(role, ext);
    await t.db
      .updateTable('users')
      .set({ team_id: teamId, display_name: name })
      .where('id', '=', users[ext].id)
      .execute();
  }
  await t.start();
  phones[AGENT] = await t.phone(AGENT, 'auto');
  phones[CUSTOMER] = await t.phone(CUSTOMER, 'auto');
  phones['3203'] = await t.phone('3203', 'on-headers');
  // The supervisor's desk phone answers by itself only what asks for it (supervision does; a page's pager leg not).
  phones[SUP] = await t.phone(SUP, 'on-headers');
  const admin = await clientFor(t.app, users['3220']!);
  const group = async (body: Record<string, unknown>) => {
    const response = await admin.post('/api/paging/groups', body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  const floor = await group({ number: '801', name: 'Sales floor', members: [AGENT, '3203'] });
  await group({ number: '800', name: 'Everyone', everyone: true });
  const wardens = await group({
    number: '802',
    name: 'Fire wardens',
    members: ['3203'],
    priority: 'emergency',
  });
  const zone = await admin.post('/api/paging/zones', {
    number: '850',
    name: 'Ground floor',
    groupIds: [floor, wardens],
  });
  expect(zone.statusCode, zone.body).toBe(201);
  baseUrl = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--disable-gpu',
      '--no-first-run',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await registrar?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('supervisor panels in Chromium', () => {
  it("a supervisor monitors, whispers, barges and stops from the team's live calls; an agent sees none of it", async () => {
    const call = await talking();
    const page = await signIn(users[SUP]!);
    const row = page.getByRole('listitem', { name: 'Alice Adams with Bruno Berg' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Not supervised');
    const button = (mode: string) => page.getByRole('button', { name: `${mode} Alice Adams`, exact: true });
    const pressed = async () => {
      const out: string[] = [];
      for (const mode of ['Monitor', 'Whisper', 'Barge'])
        if ((await button(mode).getAttribute('aria-pressed')) === 'true') out.push(mode);
      return out;
    };

    // Monitor: the desk phone is rung with auto-answer and hears both parties; nobody hears it.
    await button('Monitor').click();
    await eventually(() => row.getByRole('status').textContent()).toBe('You are monitoring Alice Adams');
    expect(await pressed()).toEqual(['Monitor']);
    const sup = phones[SUP]!.calls.at(-1)!;
    expect(sup.headers?.['Call-Info'] ?? '').toMatch(/answer-after=0/);
    await eventually(() => phones[SUP]!.hears(sup).sort()).toEqual([AGENT, CUSTOMER]);
    expect(phones[AGENT]!.hears(call.agent)).toEqual([CUSTOMER]);
    expect(await row.textContent()).toContain('Supervised by you (monitor)');

    // Whisper: the agent hears the supervisor, the other party does not.
    await button('Whisper').click();
    await eventually(() => row.getByRole('status').textContent()).toBe('You are whispering to Alice Adams');
    expect(await pressed()).toEqual(['Whisper']);
    await eventually(() => phones[AGENT]!.hears(call.agent).sort()).toEqual([CUSTOMER, SUP]);
    expect(phones[CUSTOMER]!.hears(call.customer)).toEqual([AGENT]);

    // Barge: all three hear each other.
    await button('Barge').click();
    await eventually(() => row.getByRole('status').textContent()).toBe('You are in the call (barge)');
    expect(await pressed()).toEqual(['Barge']);
    await eventually(() => phones[CUSTOMER]!.hears(call.customer).sort()).toEqual([AGENT, SUP]);
    await page.screenshot({ path: join(screenshots, 'supervisor.png'), animations: 'disabled' });
    await page
      .getByTestId('team-calls-panel')
      .screenshot({ path: join(screenshots, 'supervisor-team-calls.png'), animations: 'disabled' });

    // An agent (even the supervised one, while barged) gets no supervisor panel, and the API refuses them.
    const agentPage = await signIn(users[AGENT]!);
    await agentPage.getByTestId('presence-panel').waitFor();
    expect(await agentPage.getByRole('region', { name: 'Supervisor' }).count()).toBe(0);
    expect(
      await agentPage.getByRole('button', { name: /^(Monitor|Whisper|Barge|Stop supervising) / }).count(),
    ).toBe(0);
    expect(await agentPage.getByRole('heading', { name: 'Paging' }).count()).toBe(0);
    const refused = await (
      await clientFor(t.app, users[AGENT]!)
    ).post('/api/supervision', {
      targetExtension: '3203',
      supervisorExtension: AGENT,
      mode: 'monitor',
    });
    expect(refused.statusCode).toBe(403);
    await agentPage.context().close();

    // Stop: the supervisor is hung up, the call goes on.
    await button('Stop supervising').click();
    await eventually(() => row.textContent()).toContain('Not supervised');
    expect(await pressed()).toEqual([]);
    await eventually(() => sup.state).toBe('closed');
    expect(call.agent.state).toBe('established');
    expect(phones[CUSTOMER]!.hears(call.customer)).toEqual([AGENT]);

    // The call ends: its row goes.
    phones[AGENT]!.hangup(call.agent);
    await row.waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('the paging console: a group page with its members live, stop; an emergency only after confirming', async () => {
    await eventually(() => t.double.channels().length).toBe(0);
    const page = await signIn(users[SUP]!);
    const panel = page.getByTestId('paging-panel');
    await panel.getByRole('list', { name: 'All staff' }).getByText('Everyone').waitFor();
    expect(await panel.getByRole('list', { name: 'Zones' }).textContent()).toContain('Ground floor');
    // The emergency group offers only an emergency page.
    expect(await page.getByRole('button', { name: 'Page Fire wardens', exact: true }).count()).toBe(0);

    // A normal page: the supervisor's phone rings (no auto-answer: they asked for it); answered, the members hear it.
    await page.getByRole('button', { name: 'Page Sales floor', exact: true }).click();
    await eventually(() => panel.getByRole('status').first().textContent()).toContain(
      'Your phone is ringing: answer it to speak to Sales floor',
    );
    await answerPagerLeg();
    const live = page.getByRole('listitem', { name: 'Page Sales floor' });
    await eventually(() => live.textContent()).toContain('2 of 2 hearing');
    const members = live.getByRole('list', { name: 'Members of page Sales floor' });
    expect(await members.textContent()).toContain('Alice Adams 3201: hearing the page');
    expect(await members.textContent()).toContain('Carla Cruz 3203: hearing the page');
    await page.screenshot({ path: join(screenshots, 'paging.png'), animations: 'disabled' });
    await page.getByRole('button', { name: 'Stop page Sales floor' }).click();
    await live.waitFor({ state: 'detached' });
    await eventually(() => panel.textContent()).toContain('No page is on now');
    await eventually(() => t.double.channels().length).toBe(0);

    // Emergency: a confirmation dialog first; Cancel (and Esc) send nothing.
    const emergency = page.getByRole('button', { name: 'Emergency page Sales floor' });
    await emergency.click();
    const dialog = page.getByRole('alertdialog', { name: 'Send an emergency page?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Emergency page to Sales floor (801)');
    await page.screenshot({
      path: join(screenshots, 'paging-emergency-confirm.png'),
      animations: 'disabled',
    });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await emergency.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(t.double.channels()).toEqual([]);
    expect((await (await clientFor(t.app, users[SUP]!)).get('/api/paging/pages')).json()).toEqual({
      items: [],
    });

    // Confirmed: sent as an emergency page.
    await emergency.click();
    await dialog.getByRole('button', { name: 'Send emergency page' }).click();
    await dialog.waitFor({ state: 'detached' });
    await answerPagerLeg();
    await eventually(() => live.textContent()).toContain('2 of 2 hearing');
    expect(await live.textContent()).toContain('EMERGENCY');
    expect(phones['3203']!.calls.at(-1)!.remote?.name ?? '').toMatch(/^EMERGENCY page 801/);
    await page.getByRole('button', { name: 'Stop page Sales floor' }).click();
    await live.waitFor({ state: 'detached' });
    await page.context().close();
  });
});
