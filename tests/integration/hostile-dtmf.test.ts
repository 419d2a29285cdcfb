import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../controller/features/auth/password.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { insertTeam } from '../helpers/fixtures.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/**
 * Property: whatever a phone dials and keys in (feature codes and anything after them, hot desk extensions and PINs,
 * mailbox PINs, park slots, paging numbers, supervision codes and the 4/5/6 switches, in random digits 0-9 * # A-D,
 * long or short, fast or with pauses), the controller stays up and connected, and once everyone hangs up nothing is
 * left: no channel or bridge in the double, no park slot taken, no page, no supervision session, and no hot desk
 * session (no PIN typed here is right). 1001 (agent, team A, hot desk PIN 1234, mailbox PIN 4321) talks to 1002
 * (agent, team B); 1010 supervises team A; 1020 is an admin who only takes the health-check call; desk1 is a hot
 * desk phone; 801 pages 1002.
 */

let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
type Client = Awaited<ReturnType<typeof clientFor>>;
let admin: Client;
// Where voicemail messages and call recordings (a fuzzed `*1` starts one) are written.
const dataDir = mkdtempSync(join(tmpdir(), 'hostile-dtmf-'));

beforeAll(async () => {
  t = await startTelephony({
    config: { VOICEMAIL_DIR: join(dataDir, 'voicemail'), RECORDINGS_DIR: join(dataDir, 'recordings') },
    app: { hotdesk: { entryRules: { pauseMs: 300, firstDigitMs: 800 } } },
  });
  const teamA = await insertTeam(t.db, 'Team A');
  const teamB = await insertTeam(t.db, 'Team B');
  const plan: [string, 'agent' | 'supervisor' | 'admin', string | null][] = [
    ['1001', 'agent', teamA.id],
    ['1002', 'agent', teamB.id],
    ['1010', 'supervisor', teamA.id],
    ['1020', 'admin', null],
  ];
  for (const [ext, role, teamId] of plan) {
    users[ext] = await t.addUser(role, ext);
    await t.db
      .updateTable('users')
      .set({ team_id: teamId, pin_hash: await hashSecret('1234') })
      .where('id', '=', users[ext].id)
      .execute();
  }
  await t.start();
  admin = await clientFor(t.app, users['1020']!);
  for (const [ext] of plan) phones[ext] = await t.phone(ext);
  const desk = await admin.post('/api/devices', {
    id: 'desk1',
    name: 'Desk',
    hotdesk: true,
    sipPassword: 'desk1-secret-pw',
  });
  expect(desk.statusCode, desk.body).toBe(201);
  // 1001's mailbox (PIN 4321) for *97 and *98; a paging group 801 of 1002.
  const mailbox = await admin.put(`/api/users/${users['1001']!.id}/voicemail`, {
    enabled: true,
    pin: '4321',
  });
  expect(mailbox.statusCode, mailbox.body).toBe(200);
  const group = await admin.post('/api/paging/groups', { number: '801', name: 'Floor', members: ['1002'] });
  expect(group.statusCode, group.body).toBe(201);
  phones.desk1 = await eventually(
    () =>
      t.double
        .registerPhone('desk1', { password: 'desk1-secret-pw', answerMode: 'auto' })
        .catch(() => undefined),
    3000,
    'desk1 registered',
  );
});
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const keypad = fc.constantFrom(...'0123456789*#ABCD');
const digitString = (maxLength: number) => fc.string({ unit: keypad, maxLength });
/** Key presses in bursts, each after a pause (0: at once, after the last burst's digits). */
const bursts = fc.array(fc.record({ digits: digitString(24), pauseMs: fc.constantFrom(0, 0, 50, 350) }), {
  maxLength: 4,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until the call is answered or over, or a second passed (a call may go on ringing or collecting). */
const settled = (call: PhoneCall) =>
  eventually(() => call.state === 'established' || call.state === 'closed', 1000, 'settled').catch(
    () => undefined,
  );

type Press = { digits: string; pauseMs: number };

async function keyIn(phone: SimPhone, call: PhoneCall, presses: Press[]) {
  for (const { digits, pauseMs } of presses) {
    await sleep(pauseMs);
    if (call.state === 'closed') return;
    if (digits) phone.sendDtmf(digits, call);
    await sleep(digits.length * 20);
  }
}

function hangUpEverything() {
  for (const phone of Object.values(phones))
    for (const call of phone.calls) if (call.state !== 'closed') phone.hangup(call);
}

const items = async (url: string) =>
  (await admin.get(url)).json<{ items: Record<string, unknown>[] }>().items;

/** What must hold once every phone hung up; a problem found, or undefined. */
async function leftOver(): Promise<string | undefined> {
  hangUpEverything();
  const clean = await eventually(
    async () => {
      hangUpEverything();
      return t.double.channels().length === 0 && t.double.bridges().length === 0;
    },
    5000,
    'nothing left',
  ).catch(() => false);
  if (!clean) {
    const names = (list: Record<string, unknown>[]) => list.map((x) => x.name);
    return `left: ${JSON.stringify({ channels: names(t.double.channels()), bridges: names(t.double.bridges()) })}`;
  }
  if (t.connection.state() !== 'connected') return `the ARI connection is ${t.connection.state()}`;
  const taken = (await items('/api/parking/slots')).filter((slot) => slot.occupied);
  if (taken.length) return `park slots taken: ${JSON.stringify(taken)}`;
  const supervising = await eventually(
    async () => (await items('/api/supervision')).length === 0,
    3000,
    'no supervision',
  ).catch(() => false);
  if (!supervising) return `supervision sessions left: ${JSON.stringify(await items('/api/supervision'))}`;
  const pages = await items('/api/paging/pages');
  if (pages.length) return `pages left: ${JSON.stringify(pages)}`;
  const desks = await items('/api/hotdesk/sessions');
  if (desks.length) return `hot desk sessions: ${JSON.stringify(desks)}`;
  return undefined;
}

/** Runs the property; a failure names the scenario and what was left over. */
async function check<T>(arbitrary: fc.Arbitrary<T>, run: (value: T) => Promise<void>, numRuns: number) {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      await run(value);
      const problem = await leftOver();
      expect(problem, JSON.stringify(value)).toBeUndefined();
    }),
    { numRuns, endOnFailure: true },
  );
}

/** The health check after each property: an ordinary call rings, is answered and ends cleanly. */
async function anOrdinaryCallWorks() {
  const call = phones['1002']!.dial('1020');
  await eventually(() => call.state === 'established', 3000, '1002 -> 1020 answered');
  phones['1002']!.hangup(call);
  expect(await leftOver()).toBeUndefined();
}

const failedLogins = async () =>
  Number(
    (
      await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', 'in', ['hotdesk.login-failed', 'hotdesk.locked'])
        .executeTakeFirstOrThrow()
    ).n,
  );

const featureCodes = [
  '*11',
  '*12',
  '*76',
  '*78',
  '*79',
  '*72',
  '*73',
  '**',
  '*97',
  '*98',
  '*222',
  '*223',
  '*224',
  '*1',
  '700',
  '701',
  '799',
  '7',
  '9',
  '1002',
  '100',
  '801',
  '8',
  '',
];

describe('DTMF and dialled digits from phones, fuzzed', () => {
  it('any number dialled (feature codes and what follows them), then any keys: nothing is left behind', async () => {
    let answered = 0;
    const dialled = fc
      .tuple(fc.constantFrom(...featureCodes), fc.oneof(fc.constant(''), digitString(10)))
      .map(([code, tail]) => code + tail);
    await check(
      fc.record({
        from: fc.constantFrom('1001', '1010', 'desk1'),
        dialled: dialled.filter((d) => d.length > 0),
        keys: bursts,
        calleeKeys: fc.oneof(bursts, fc.constant<Press[]>([{ digits: '*1', pauseMs: 0 }])),
      }),
      async ({ from, dialled: number, keys, calleeKeys }) => {
        const phone = phones[from]!;
        const before = phones['1002']!.calls.length;
        const call = phone.dial(number);
        await settled(call);
        if (call.state === 'established') answered++;
        await keyIn(phone, call, keys);
        // Keys from the other end too, when the call reached 1002 (`*1` there records the call).
        const callee = phones['1002']!.calls.slice(before).find((c) => c.state === 'established');
        if (callee) await keyIn(phones['1002']!, callee, calleeKeys);
      },
      40,
    );
    expect(answered, 'some dialled number answered (a feature code or a call)').toBeGreaterThan(0);
    await anOrdinaryCallWorks();
  }, 120_000);

  it('*11 with any extension and any wrong PIN, ended by #, a pause or nothing: never a hot desk session', async () => {
    const entry = fc.record({
      digits: fc.oneof(fc.constantFrom('1001', '1002', '1010'), digitString(20)),
      end: fc.constantFrom('#', '', '*', '##'),
    });
    await check(
      fc.record({
        extension: entry,
        pin: entry.filter((e) => !e.digits.startsWith('1234')),
        hangUpEarly: fc.boolean(),
      }),
      async ({ extension, pin, hangUpEarly }) => {
        const desk = phones.desk1!;
        const call = desk.dial('*11');
        await settled(call);
        await eventually(
          () => call.prompts.includes('sound:extension') || call.state === 'closed',
          1500,
          'prompt',
        ).catch(() => undefined);
        await keyIn(desk, call, [{ digits: extension.digits + extension.end, pauseMs: 0 }]);
        if (hangUpEarly) return;
        await eventually(
          () => call.prompts.includes('sound:vm-password') || call.state === 'closed',
          1500,
          'PIN prompt',
        ).catch(() => undefined);
        await keyIn(desk, call, [{ digits: pin.digits + pin.end, pauseMs: 0 }]);
        await eventually(() => call.state === 'closed', 1500, 'the answer').catch(() => undefined);
      },
      12,
    );
    expect(await failedLogins(), 'the wrong PINs were checked and refused').toBeGreaterThan(0);
    await anOrdinaryCallWorks();
  }, 120_000);

  it('a call transferred to any park slot digits, then any pick-up dialled: every slot free once all hang up', async () => {
    const slot = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('700', '701', '799') },
      fc.constantFrom('7', '70', '7000', '700#', '800'),
      digitString(5).map((d) => `7${d}`),
    );
    const since = t.events.length;
    await check(
      fc.record({ slot, pickup: fc.option(slot), keys: bursts }),
      async ({ slot: target, pickup, keys }) => {
        const caller = phones['1001']!.dial('1002');
        await eventually(() => caller.state === 'established', 3000, '1001 -> 1002 answered');
        const incoming = phones['1002']!.calls.at(-1)!;
        phones['1002']!.transfer(target, incoming);
        await keyIn(phones['1001']!, caller, keys);
        if (pickup) {
          const picking = phones['1010']!.dial(pickup);
          await settled(picking);
        }
      },
      15,
    );
    const parked = t.events.slice(since).filter((e) => e.type === 'call.parked').length;
    expect(parked, 'some transfer parked the call').toBeGreaterThan(0);
    await anOrdinaryCallWorks();
  }, 120_000);

  it('supervision codes with any extension, then any keys (4/5/6 among them): no session or snoop left', async () => {
    const target = fc.oneof(
      { weight: 4, arbitrary: fc.constant('1001') },
      fc.constant('1002'),
      digitString(6),
    );
    const since = t.events.length;
    const switches = fc.array(
      fc.record({
        digits: fc.string({ unit: fc.constantFrom('4', '5', '6', '#', '*', '0', 'A'), maxLength: 6 }),
        pauseMs: fc.constantFrom(0, 50, 350),
      }),
      { maxLength: 4 },
    );
    await check(
      fc.record({
        code: fc.constantFrom('*222', '*223', '*224'),
        target,
        keys: fc.oneof(switches, bursts),
        agentLeavesFirst: fc.boolean(),
      }),
      async ({ code, target: ext, keys, agentLeavesFirst }) => {
        const agent = phones['1001']!.dial('1002');
        await eventually(() => agent.state === 'established', 3000, '1001 -> 1002 answered');
        const before = t.events.length;
        const sup = phones['1010']!.dial(code + ext);
        await settled(sup);
        const started = () => t.events.slice(before).some((e) => e.type === 'supervision.started');
        await eventually(() => started() || sup.state === 'closed', 1000, 'supervising').catch(
          () => undefined,
        );
        await keyIn(phones['1010']!, sup, keys);
        if (agentLeavesFirst) phones['1001']!.hangup(agent);
      },
      15,
    );
    const started = t.events.slice(since).filter((e) => e.type === 'supervision.started').length;
    expect(started, 'some supervision started').toBeGreaterThan(0);
    await anOrdinaryCallWorks();
  }, 120_000);
});
