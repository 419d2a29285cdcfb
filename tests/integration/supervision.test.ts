import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import type { PhoneCall, SimPhone } from '../ari-double/index.js';
import { insertTeam } from '../helpers/fixtures.js';
import { connectEvents, eventsUrl, ticket } from '../helpers/ws-client.js';
import {
  clientFor,
  eventually,
  startTelephony,
  type Telephony,
  type TestUser,
} from '../helpers/telephony.js';

/**
 * Supervision through the ARI double: 1001 (agent, team A) talks to 1002 (agent, team B: "the customer");
 * 1010 and 1012 supervise team A, 1011 team B, 1020 is an admin, 1003 an agent of team A.
 */
let t: Telephony;
const users: Record<string, TestUser> = {};
const phones: Record<string, SimPhone> = {};
const AGENT = '1001';
const CUSTOMER = '1002';
const SUP = '1010';
const teams: Record<'a' | 'b', string> = { a: '', b: '' };

beforeAll(async () => {
  t = await startTelephony();
  const teamA = await insertTeam(t.db, 'Team A');
  const teamB = await insertTeam(t.db, 'Team B');
  teams.a = teamA.id;
  teams.b = teamB.id;
  const plan: [string, 'agent' | 'supervisor' | 'admin', string | null][] = [
    ['1001', 'agent', teamA.id],
    ['1002', 'agent', teamB.id],
    ['1003', 'agent', teamA.id],
    ['1010', 'supervisor', teamA.id],
    ['1011', 'supervisor', teamB.id],
    ['1012', 'supervisor', teamA.id],
    ['1020', 'admin', null],
    ['1013', 'supervisor', teamA.id],
  ];
  for (const [ext, role, teamId] of plan) {
    users[ext] = await t.addUser(role, ext);
    await t.db.updateTable('users').set({ team_id: teamId }).where('id', '=', users[ext].id).execute();
  }
  await t.start();
  // 1013 has no phone registered.
  for (const [ext] of plan) if (ext !== '1013') phones[ext] = await t.phone(ext);
});
afterAll(async () => t?.close());
beforeEach(async () => {
  // Nothing left behind by the previous test: no channel, no bridge, no session.
  await eventually(() => t.double.channels().length === 0, 4000, 'no channels left');
  await eventually(() => t.double.bridges().length === 0, 4000, 'no bridges left');
});

const clients = new Map<string, Awaited<ReturnType<typeof clientFor>>>();
async function as(ext: string) {
  if (!clients.has(ext)) clients.set(ext, await clientFor(t.app, users[ext]!));
  return clients.get(ext)!;
}
const eventOf = (type: string, since: number, test: (e: AnyPbxEvent) => boolean = () => true) =>
  eventually(() => t.events.slice(since).find((e) => e.type === type && test(e)), 4000, type) as Promise<
    AnyPbxEvent & { data: Record<string, unknown> }
  >;
const established = (call: PhoneCall) => eventually(() => call.state === 'established', 3000, 'established');

/** 1001 and 1002 talking. */
async function talking() {
  const since = t.events.length;
  const agentSide = phones[AGENT]!.dial(CUSTOMER);
  await eventOf('call.answered', since);
  const customerSide = phones[CUSTOMER]!.calls.at(-1)!;
  await established(agentSide);
  return { agent: agentSide, customer: customerSide };
}

/** What each phone hears right now. */
function hearing(call: { agent: PhoneCall; customer: PhoneCall }, sup: PhoneCall, supExt = SUP) {
  return {
    agent: phones[AGENT]!.hears(call.agent),
    customer: phones[CUSTOMER]!.hears(call.customer),
    supervisor: phones[supExt]!.hears(sup),
  };
}

/** Starts a session through the API; the supervisor's phone auto-answers; resolves once they hear the call. */
async function supervise(mode: string, supExt = SUP, target = AGENT) {
  const since = t.events.length;
  const response = await (
    await as(supExt)
  ).post('/api/supervision', {
    targetExtension: target,
    supervisorExtension: supExt,
    mode,
  });
  expect(response.statusCode, response.body).toBe(201);
  const session = response.json<{ id: string }>();
  await eventOf('supervision.started', since, (e) => (e.data as { id: string }).id === session.id);
  const sup = phones[supExt]!.calls.at(-1)!;
  return { id: session.id, sup };
}

async function hangUpAll(call: { agent: PhoneCall }) {
  phones[AGENT]!.hangup(call.agent);
  await eventually(() => t.double.channels().length === 0, 4000, 'all gone');
}

describe('each mode, heard through the phones', () => {
  it('monitor: the supervisor hears both parties, nobody hears the supervisor', async () => {
    const call = await talking();
    const { sup } = await supervise('monitor');
    expect(sup.headers?.['Call-Info'] ?? '').toMatch(/answer-after=0/);
    await eventually(() => phones[SUP]!.hears(sup).length === 2, 2000, 'supervisor hears');
    expect(hearing(call, sup)).toEqual({
      agent: [CUSTOMER],
      customer: [AGENT],
      supervisor: [AGENT, CUSTOMER],
    });
    await hangUpAll(call);
  });

  it('whisper: the supervisor hears both; only the agent hears the supervisor', async () => {
    const call = await talking();
    const { sup } = await supervise('whisper');
    expect(hearing(call, sup)).toEqual({
      agent: [CUSTOMER, SUP],
      customer: [AGENT],
      supervisor: [AGENT, CUSTOMER],
    });
    await hangUpAll(call);
  });

  it('barge: all three hear each other', async () => {
    const call = await talking();
    const { sup } = await supervise('barge');
    await eventually(() => phones[SUP]!.hears(sup).length === 2, 2000, 'supervisor in the call');
    expect(hearing(call, sup)).toEqual({
      agent: [CUSTOMER, SUP],
      customer: [AGENT, SUP],
      supervisor: [AGENT, CUSTOMER],
    });
    await hangUpAll(call);
  });
});

describe('switching, make-before-break (PATCH and DTMF 4/5/6)', () => {
  it.each<[string, string, string, (call: PhoneCall, id: string) => Promise<unknown>]>([
    [
      'monitor → whisper by PATCH',
      'monitor',
      'whisper',
      async (_c, id) => (await as(SUP)).patch(`/api/supervision/${id}`, { mode: 'whisper' }),
    ],
    ['whisper → monitor by 4', 'whisper', 'monitor', async (c) => phones[SUP]!.sendDtmf('4', c)],
    ['monitor → barge by 6', 'monitor', 'barge', async (c) => phones[SUP]!.sendDtmf('6', c)],
    ['barge → whisper by 5', 'barge', 'whisper', async (c) => phones[SUP]!.sendDtmf('5', c)],
    [
      'barge → monitor by PATCH',
      'barge',
      'monitor',
      async (_c, id) => (await as(SUP)).patch(`/api/supervision/${id}`, { mode: 'monitor' }),
    ],
    [
      'whisper → barge by PATCH',
      'whisper',
      'barge',
      async (_c, id) => (await as(SUP)).patch(`/api/supervision/${id}`, { mode: 'barge' }),
    ],
  ])(
    '%s: no gap for the supervisor, nothing of them to the customer unless barge',
    async (_n, from, to, act) => {
      const call = await talking();
      const { id, sup } = await supervise(from);
      const samples: ReturnType<typeof hearing>[] = [];
      const sampler = setInterval(() => samples.push(hearing(call, sup)), 1);
      const since = t.events.length;
      await act(sup, id);
      const changed = await eventOf('supervision.changed', since);
      expect(changed.data).toMatchObject({ id, from, mode: to });
      await new Promise((resolve) => setTimeout(resolve, 30));
      clearInterval(sampler);
      expect(samples.length).toBeGreaterThan(5);
      for (const sample of samples) {
        expect(sample.supervisor).toEqual([AGENT, CUSTOMER]);
        if (from !== 'barge' && to !== 'barge') expect(sample.customer).toEqual([AGENT]);
      }
      const after = hearing(call, sup);
      expect(after.agent.includes(SUP)).toBe(to !== 'monitor');
      expect(after.customer.includes(SUP)).toBe(to === 'barge');
      // The old path is gone: one snoop at most, one bridge of ours at most.
      await eventually(
        () =>
          t.double.channels().filter((c) => String(c.name).startsWith('Snoop/')).length ===
          (to === 'barge' ? 0 : 1),
        2000,
        'old snoop gone',
      );
      await hangUpAll(call);
    },
  );

  it('# ends the session: the supervisor is hung up, the call goes on, nothing of the session is left', async () => {
    const call = await talking();
    const { id, sup } = await supervise('whisper');
    const since = t.events.length;
    phones[SUP]!.sendDtmf('#', sup);
    const ended = await eventOf('supervision.ended', since);
    expect(ended.data).toMatchObject({ id, reason: 'requested' });
    await eventually(() => sup.state === 'closed', 2000, 'supervisor hung up');
    expect(hearing(call, sup)).toMatchObject({ agent: [CUSTOMER], customer: [AGENT] });
    expect(t.double.channels().filter((c) => String(c.name).startsWith('Snoop/'))).toEqual([]);
    expect(t.double.bridges()).toHaveLength(1);
    expect((await (await as(SUP)).get('/api/supervision')).json()).toEqual({ items: [] });
    await hangUpAll(call);
  });
});

describe('any party hanging up ends the session and leaves nothing behind', () => {
  it.each<[string, string, (c: { agent: PhoneCall; customer: PhoneCall }, sup: PhoneCall) => void]>([
    ['the customer', 'call-ended', (c) => phones[CUSTOMER]!.hangup(c.customer)],
    ['the agent', 'call-ended', (c) => phones[AGENT]!.hangup(c.agent)],
    ['the supervisor', 'supervisor-hung-up', (_c, sup) => phones[SUP]!.hangup(sup)],
  ])('%s hangs up (whisper)', async (_n, reason, hangUp) => {
    const call = await talking();
    const { id, sup } = await supervise('whisper');
    const since = t.events.length;
    hangUp(call, sup);
    const ended = await eventOf('supervision.ended', since);
    expect(ended.data).toMatchObject({ id, reason });
    if (reason === 'supervisor-hung-up') {
      expect(hearing(call, sup)).toMatchObject({ agent: [CUSTOMER], customer: [AGENT] });
      await hangUpAll(call);
    }
    await eventually(
      () => t.double.channels().length === 0 && t.double.bridges().length === 0,
      4000,
      'clean',
    );
  });

  it('barge, then the agent hangs up: the supervisor is hung up too', async () => {
    const call = await talking();
    const { sup } = await supervise('barge');
    phones[AGENT]!.hangup(call.agent);
    await eventually(() => sup.state === 'closed', 3000, 'supervisor hung up');
    await eventually(
      () => t.double.channels().length === 0 && t.double.bridges().length === 0,
      4000,
      'clean',
    );
  });
});

describe('two supervisors on one call', () => {
  it('each gets their own session and path; one whispering is not heard by the other, nor by the customer', async () => {
    const call = await talking();
    const first = await supervise('whisper', SUP);
    const second = await supervise('monitor', '1012');
    expect(hearing(call, first.sup).agent).toEqual([CUSTOMER, SUP]);
    expect(phones['1012']!.hears(second.sup)).toEqual([AGENT, CUSTOMER]);
    expect(phones[CUSTOMER]!.hears(call.customer)).toEqual([AGENT]);
    const list = (await (await as('1020')).get('/api/supervision')).json<{ items: { id: string }[] }>();
    expect(list.items.map((s) => s.id).sort()).toEqual([first.id, second.id].sort());
    const since = t.events.length;
    await (await as('1012')).delete(`/api/supervision/${second.id}`);
    await eventOf('supervision.ended', since);
    expect(hearing(call, first.sup).supervisor).toEqual([AGENT, CUSTOMER]);
    await hangUpAll(call);
  });
});

describe('refusals: 403 with a code, audited, and the refused hear nothing', () => {
  it.each<[string, string, string, string, string]>([
    ['an agent', '1003', AGENT, 'forbidden', 'agent'],
    ['a supervisor of another team', '1011', AGENT, 'supervision-forbidden', 'team'],
    ['a supervisor over a supervisor', '1010', '1012', 'supervision-forbidden', 'supervisor'],
    ['a supervisor over their own call', '1010', '1010', 'supervision-forbidden', 'self'],
  ])('%s', async (_n, supExt, target, code) => {
    const call = await talking();
    const response = await (
      await as(supExt)
    ).post('/api/supervision', {
      targetExtension: target,
      supervisorExtension: supExt,
      mode: 'monitor',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code } });
    expect(phones[supExt]!.calls.filter((c) => c.state !== 'closed')).toEqual([]);
    await hangUpAll(call);
  });

  it('a refusal is in the audit log with who, whom and why', async () => {
    await (
      await as('1011')
    ).post('/api/supervision', { targetExtension: AGENT, supervisorExtension: '1011', mode: 'barge' });
    const audit = await (await as('1020')).get('/api/audit?action=supervision.refused');
    expect(audit.json<{ items: unknown[] }>().items[0]).toMatchObject({
      actorUserId: users['1011']!.id,
      action: 'supervision.refused',
      target: `user:${users[AGENT]!.id}`,
      details: { code: 'supervision-forbidden', mode: 'barge', targetExtension: AGENT },
    });
  });

  it('an admin supervises a supervisor; a supervisor cannot supervise from another extension', async () => {
    const other = await (
      await as('1010')
    ).post('/api/supervision', {
      targetExtension: AGENT,
      supervisorExtension: '1012',
      mode: 'monitor',
    });
    expect(other.statusCode).toBe(403);
    const since = t.events.length;
    const outgoing = phones['1012']!.dial(CUSTOMER);
    await eventOf('call.answered', since);
    await established(outgoing);
    const response = await (
      await as('1020')
    ).post('/api/supervision', {
      targetExtension: '1012',
      supervisorExtension: '1020',
      mode: 'monitor',
    });
    expect(response.statusCode).toBe(201);
    await eventOf('supervision.started', since);
    phones['1012']!.hangup(outgoing);
    await eventually(() => t.double.channels().length === 0, 4000, 'all gone');
  });
});

describe('the API by callId, and who may change, end or see a session', () => {
  it('POST {callId}: the agent of the call (the callee unless targetExtension says otherwise) is supervised', async () => {
    const call = await talking();
    const calls = (await (await as('1020')).get('/api/calls')).json<{ items: { id: string }[] }>().items;
    const response = await (
      await as('1020')
    ).post('/api/supervision', {
      callId: calls[0]!.id,
      targetExtension: AGENT,
      supervisorExtension: '1020',
      mode: 'monitor',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ callId: calls[0]!.id, targetExtension: AGENT, state: 'ringing' });
    const unknown = await (
      await as('1020')
    ).post('/api/supervision', {
      callId: 'no-such-call',
      supervisorExtension: '1020',
      mode: 'monitor',
    });
    expect(unknown.statusCode).toBe(403);
    expect(unknown.json()).toMatchObject({ error: { code: 'no-call-to-supervise' } });
    await hangUpAll(call);
  });

  it('a supervisor with no device registered: 409 extension-unavailable, nothing left, no session', async () => {
    const call = await talking();
    const response = await (
      await as('1013')
    ).post('/api/supervision', {
      targetExtension: AGENT,
      supervisorExtension: '1013',
      mode: 'monitor',
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: { code: 'extension-unavailable' } });
    expect((await (await as('1020')).get('/api/supervision')).json()).toEqual({ items: [] });
    expect(t.double.bridges()).toHaveLength(1);
    await hangUpAll(call);
  });

  it('another team sees nothing (404); a team colleague sees it but may not change or end it (403)', async () => {
    const call = await talking();
    const { id } = await supervise('monitor');
    const other = await as('1011');
    expect((await other.get('/api/supervision')).json()).toEqual({ items: [] });
    expect((await other.patch(`/api/supervision/${id}`, { mode: 'barge' })).statusCode).toBe(404);
    expect((await other.delete(`/api/supervision/${id}`)).statusCode).toBe(404);
    const colleague = await as('1012');
    expect((await colleague.get('/api/supervision')).json<{ items: unknown[] }>().items).toHaveLength(1);
    const refused = await colleague.patch(`/api/supervision/${id}`, { mode: 'barge' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'supervision-forbidden' } });
    expect((await (await as(AGENT)).get('/api/supervision')).statusCode).toBe(403);
    const since = t.events.length;
    expect((await (await as('1020')).delete(`/api/supervision/${id}`)).statusCode).toBe(204);
    await eventOf('supervision.ended', since);
    expect((await (await as('1020')).delete(`/api/supervision/${id}`)).statusCode).toBe(404);
    await hangUpAll(call);
  });
});

describe('the agent is idle, then called (SUPERVISION_IDLE_POLICY=wait)', () => {
  it('the supervisor waits on hold music, and hears the call once the agent is on one', async () => {
    const since = t.events.length;
    const response = await (
      await as(SUP)
    ).post('/api/supervision', {
      targetExtension: AGENT,
      supervisorExtension: SUP,
      mode: 'monitor',
    });
    expect(response.statusCode).toBe(201);
    const sup = await eventually(
      () => phones[SUP]!.calls.find((c) => c.state !== 'closed'),
      2000,
      'supervisor rung',
    );
    await eventually(() => phones[SUP]!.hears(sup).join() === 'moh', 2000, 'waiting on MOH');
    expect((await (await as(SUP)).get('/api/supervision')).json()).toMatchObject({
      items: [{ state: 'waiting', callId: null }],
    });
    const call = await talking();
    await eventOf('supervision.started', since);
    expect(hearing(call, sup)).toEqual({
      agent: [CUSTOMER],
      customer: [AGENT],
      supervisor: [AGENT, CUSTOMER],
    });
    await hangUpAll(call);
  });
});

describe('events and the audit trail', () => {
  it('start, switch and end are audited, found by target, action and time (by the team supervisor too)', async () => {
    const startedAt = new Date().toISOString();
    const call = await talking();
    const { id, sup } = await supervise('monitor');
    const since = t.events.length;
    phones[SUP]!.sendDtmf('6', sup);
    await eventOf('supervision.changed', since);
    phones[SUP]!.hangup(sup);
    await eventOf('supervision.ended', since);
    const query = `target=user:${users[AGENT]!.id}&action=supervision.*&since=${encodeURIComponent(startedAt)}`;
    const auditedActions = async () =>
      (await (await as('1010')).get(`/api/audit?${query}`))
        .json<{ items: { action: string; details: { sessionId?: string } }[] }>()
        .items.filter((e) => e.details.sessionId === id)
        .map((e) => e.action)
        .reverse();
    // The end's audit line is written as the session's last step, not before its event: wait for it.
    await eventually(async () => (await auditedActions()).length === 3, 3000, 'the end audited');
    expect(await auditedActions()).toEqual([
      'supervision.started',
      'supervision.changed',
      'supervision.ended',
    ]);
    const earlier = await (
      await as('1010')
    ).get(`/api/audit?action=supervision.*&until=${encodeURIComponent(startedAt)}`);
    const ids = earlier
      .json<{ items: { details: { sessionId?: string } }[] }>()
      .items.map((e) => e.details.sessionId);
    expect(ids).not.toContain(id);
    await hangUpAll(call);
  });
});

describe('from the phone: *222 / *223 / *224 + extension, 4 / 5 / 6 and # in the session', () => {
  it('*2221001: monitor; 5 whisper; 6 barge; 4 monitor; # ends it and the call goes on', async () => {
    const call = await talking();
    const since = t.events.length;
    const sup = phones[SUP]!.dial(`*222${AGENT}`);
    await eventOf('supervision.started', since);
    expect(hearing(call, sup)).toEqual({
      agent: [CUSTOMER],
      customer: [AGENT],
      supervisor: [AGENT, CUSTOMER],
    });
    const steps: [string, string[], string[]][] = [
      ['5', [CUSTOMER, SUP], [AGENT]],
      ['6', [CUSTOMER, SUP], [AGENT, SUP]],
      ['4', [CUSTOMER], [AGENT]],
    ];
    for (const [digit, agentHears, customerHears] of steps) {
      const before = t.events.length;
      phones[SUP]!.sendDtmf(digit, sup);
      await eventOf('supervision.changed', before);
      expect(hearing(call, sup)).toEqual({
        agent: agentHears,
        customer: customerHears,
        supervisor: [AGENT, CUSTOMER],
      });
    }
    phones[SUP]!.sendDtmf('#', sup);
    await eventually(() => sup.state === 'closed', 2000, 'supervisor hung up');
    expect(hearing(call, sup)).toMatchObject({ agent: [CUSTOMER], customer: [AGENT] });
    await hangUpAll(call);
  });

  it.each<[string, string, string]>([
    ['an agent dials *2231001', '1003', `*223${AGENT}`],
    ['a supervisor of another team dials *2241001', '1011', `*224${AGENT}`],
    ['a supervisor dials *222 for a supervisor', '1010', '*2221012'],
    ['a supervisor dials *222 for nobody', '1010', '*2224999'],
  ])(
    '%s: a prompt, then the call ends; nothing of the call is heard; audited',
    async (_n, supExt, dialled) => {
      const call = await talking();
      const heard: string[][] = [];
      const refused = phones[supExt]!.dial(dialled);
      const sampler = setInterval(() => heard.push(phones[supExt]!.hears(refused)), 1);
      await eventually(() => refused.state === 'closed', 4000, 'refused call ended');
      clearInterval(sampler);
      expect(refused.prompts).toEqual(['sound:pbx-invalid']);
      expect(heard.flat().filter((s) => s === AGENT || s === CUSTOMER)).toEqual([]);
      const audit = await (await as('1020')).get('/api/audit?action=supervision.refused');
      expect(audit.json<{ items: unknown[] }>().items[0]).toMatchObject({
        action: 'supervision.refused',
        details: { via: 'phone', code: 'supervision-forbidden' },
      });
      await hangUpAll(call);
    },
  );

  it('*2221001 while 1001 is idle: hold music, then the call once 1001 is on one', async () => {
    const since = t.events.length;
    const sup = phones[SUP]!.dial(`*222${AGENT}`);
    await eventually(() => phones[SUP]!.hears(sup).join() === 'moh', 2000, 'waiting on MOH');
    const call = await talking();
    await eventOf('supervision.started', since);
    expect(hearing(call, sup).supervisor).toEqual([AGENT, CUSTOMER]);
    await hangUpAll(call);
  });
});

describe('the WebSocket: a supervised agent learns of a session only while it is barge', () => {
  it('monitor → barge → monitor → end: the agent sees barge only; the supervisor and an admin see all', async () => {
    await t.app.server.listen({ port: 0, host: '127.0.0.1' });
    const socketOf = async (ext: string) => {
      const headers = (await as(ext)).headers;
      const client = connectEvents(eventsUrl(t.app, `?ticket=${await ticket(t.app, headers)}`));
      await client.next(() => true);
      return client;
    };
    const [agent, supervisor, admin] = await Promise.all([socketOf(AGENT), socketOf(SUP), socketOf('1020')]);
    const call = await talking();
    const { id, sup } = await supervise('monitor');
    for (const digit of ['6', '4']) {
      const since = t.events.length;
      phones[SUP]!.sendDtmf(digit, sup);
      await eventOf('supervision.changed', since);
    }
    phones[SUP]!.hangup(sup);
    const ended = (m: { type: string }) => m.type === 'supervision.ended';
    await supervisor.next(ended);
    await admin.next(ended);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = (client: typeof agent) =>
      client.messages
        .filter((m) => m.type.startsWith('supervision.') && (m.data as { id: string }).id === id)
        .map((m) => `${m.type}:${(m.data as { mode: string }).mode}`);
    const all = [
      'supervision.started:monitor',
      'supervision.changed:barge',
      'supervision.changed:monitor',
      'supervision.ended:monitor',
    ];
    expect(seen(supervisor)).toEqual(all);
    expect(seen(admin)).toEqual(all);
    expect(seen(agent)).toEqual(['supervision.changed:barge']);
    for (const client of [agent, supervisor, admin]) client.close();
    await hangUpAll(call);
  });
});

describe("the WebSocket's snapshot carries the sessions a client may see", () => {
  it('the supervisor and an admin get the session, another team and the monitored agent do not', async () => {
    if (!t.app.server.server.listening) await t.app.server.listen({ port: 0, host: '127.0.0.1' });
    const snapshotOf = async (ext: string) => {
      const headers = (await as(ext)).headers;
      const client = connectEvents(eventsUrl(t.app, `?ticket=${await ticket(t.app, headers)}`));
      const snapshot = await client.next((m) => m.type === 'snapshot');
      client.close();
      return (snapshot.data as { supervision: { id: string; mode: string; callId: string }[] }).supervision;
    };
    const call = await talking();
    const { id } = await supervise('monitor');
    const [own = [], admin = [], otherTeam, agent] = await Promise.all(
      [SUP, '1020', '1011', AGENT].map((ext) => snapshotOf(ext)),
    );
    expect(own).toEqual([expect.objectContaining({ id, mode: 'monitor', supervisorExtension: SUP })]);
    expect(own[0]!.callId).toEqual(expect.any(String));
    expect(admin.map((s) => s.id)).toEqual([id]);
    expect(otherTeam).toEqual([]);
    expect(agent).toEqual([]);
    await hangUpAll(call);
  });
});

describe('GET /api/calls shows who supervises a call, to supervisors and admins only', () => {
  it('admin and the team supervisor see it, another team supervisor sees no session, the agent no field', async () => {
    const call = await talking();
    const { id } = await supervise('whisper');
    const callsAs = async (ext: string) =>
      (await (await as(ext)).get('/api/calls')).json<{ items: Record<string, unknown>[] }>().items[0]!;
    const shown = [{ sessionId: id, supervisorExtension: SUP, targetExtension: AGENT, mode: 'whisper' }];
    expect((await callsAs('1020')).supervisedBy).toEqual(shown);
    expect((await callsAs('1012')).supervisedBy).toEqual(shown);
    expect((await callsAs('1011')).supervisedBy).toEqual([]);
    expect(await callsAs(AGENT)).not.toHaveProperty('supervisedBy');
    const one = await (await as(AGENT)).get(`/api/calls/${String((await callsAs(AGENT)).id)}`);
    expect(one.json()).not.toHaveProperty('supervisedBy');
    await hangUpAll(call);
  });
});

describe("the target is the agent's call on whichever device carries it", () => {
  it('1001 talks from the webphone (1001-web): whisper reaches the webphone', async () => {
    const web = await t.phone('1001-web');
    const since = t.events.length;
    const outgoing = web.dial(CUSTOMER);
    await eventOf('call.answered', since);
    await established(outgoing);
    const { sup } = await supervise('whisper');
    expect(web.hears(outgoing)).toEqual([CUSTOMER, SUP]);
    expect(phones[SUP]!.hears(sup)).toEqual(['1001-web', CUSTOMER]);
    expect(phones[CUSTOMER]!.hears(phones[CUSTOMER]!.calls.at(-1))).toEqual(['1001-web']);
    web.hangup(outgoing);
    await eventually(() => t.double.channels().length === 0, 4000, 'all gone');
    web.unregister();
  });
});

describe('the rules are checked again when a user changes', () => {
  it('the supervisor moved to another team mid-session: the session ends at once, audited as refused', async () => {
    const call = await talking();
    const { id, sup } = await supervise('monitor', '1012');
    const since = t.events.length;
    const moved = await (await as('1020')).patch(`/api/users/${users['1012']!.id}`, { teamId: teams.b });
    expect(moved.statusCode, moved.body).toBe(200);
    const ended = await eventOf('supervision.ended', since);
    expect(ended.data).toMatchObject({ id, reason: 'refused' });
    await eventually(() => sup.state === 'closed', 2000, 'supervisor hung up');
    expect(hearing(call, sup, '1012')).toMatchObject({ agent: [CUSTOMER], customer: [AGENT] });
    const audit = await (await as('1020')).get('/api/audit?action=supervision.refused');
    expect(audit.json<{ items: unknown[] }>().items[0]).toMatchObject({
      details: { sessionId: id, code: 'supervision-forbidden', via: 'recheck' },
    });
    await (await as('1020')).patch(`/api/users/${users['1012']!.id}`, { teamId: teams.a });
    clients.delete('1012');
    await hangUpAll(call);
  });
});

describe('the call changes under the session', () => {
  it('the agent parks the customer (#72): the session ends cleanly, the parked call is untouched', async () => {
    const call = await talking();
    const { id, sup } = await supervise('whisper');
    const since = t.events.length;
    phones[AGENT]!.sendDtmf('#72', call.agent);
    await eventOf('call.parked', since);
    const ended = await eventOf('supervision.ended', since);
    expect(ended.data).toMatchObject({ id, reason: 'call-ended' });
    await eventually(() => sup.state === 'closed', 2000, 'supervisor hung up');
    expect(phones[CUSTOMER]!.hears(call.customer)).toEqual(['moh']);
    phones[CUSTOMER]!.hangup(call.customer);
  });

  it.each(['monitor', 'whisper'])(
    'a controller restart during a %s session: the session is adopted as it is, and still ends when it should',
    async (mode) => {
      const call = await talking();
      const { id, sup } = await supervise(mode);
      await eventually(() => phones[SUP]!.hears(sup).length === 2, 2000, 'supervisor hears');
      const heardBefore = hearing(call, sup);
      await t.restartController();
      clients.clear();
      const listed = await eventually(
        async () =>
          (await (await as(SUP)).get('/api/supervision'))
            .json<{ items: { id: string; state: string }[] }>()
            .items.find((s) => s.id === id),
        4000,
        'the session listed by the restarted controller',
      );
      expect(listed).toMatchObject({ state: 'active', mode });
      expect(sup.state).toBe('established');
      expect(hearing(call, sup)).toEqual(heardBefore);
      const since = t.events.length;
      phones[SUP]!.hangup(sup);
      const ended = await eventOf('supervision.ended', since);
      expect(ended.data).toMatchObject({ id, reason: 'supervisor-hung-up' });
      expect(t.double.channels().filter((c) => String(c.name).startsWith('Snoop/'))).toEqual([]);
      expect(hearing(call, sup)).toMatchObject({ agent: [CUSTOMER], customer: [AGENT] });
      await hangUpAll(call);
    },
  );

  it('a controller restart during a barge: the call survives, the session is ended cleanly', async () => {
    const call = await talking();
    const { sup } = await supervise('barge');
    await t.restartController();
    await eventually(() => sup.state === 'closed', 4000, 'supervisor hung up after the restart');
    expect(hearing(call, sup)).toMatchObject({ agent: [CUSTOMER], customer: [AGENT] });
    expect(t.double.channels().filter((c) => String(c.name).startsWith('Snoop/'))).toEqual([]);
    expect(t.double.bridges()).toHaveLength(1);
    clients.clear();
    const audit = await (await as('1020')).get('/api/audit?action=supervision.ended');
    expect(audit.json<{ items: unknown[] }>().items[0]).toMatchObject({
      details: { reason: 'controller-restart' },
    });
    await hangUpAll(call);
  });
});
