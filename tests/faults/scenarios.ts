import { expect } from 'vitest';
import type { PhoneCall } from '../ari-double/index.js';
import type { FaultRig, RigPlan } from './fault-rig.js';
import { until } from './until.js';

/**
 * The live state each fault case puts at risk, set up through phones and the API, and the checks every case ends
 * with. Extensions: 1001 calls, 1002 answers (and parks by #72), 1003/1004 are paged (answer on the headers), 1005's
 * desk then webphone ring in turn (nobody answers), 1010 supervises (an admin), 1006 logs into the hot desk `desk1`.
 */
export const plan: RigPlan = {
  users: {
    '1001': 'agent',
    '1002': 'agent',
    '1003': 'agent',
    '1004': 'agent',
    '1005': 'agent',
    '1006': 'agent',
    '1010': 'admin',
  },
  webphones: ['1005'],
  noPhone: ['1006'],
  answerModes: { '1003': 'on-headers', '1004': 'on-headers', '1005': 'manual', '1005-web': 'manual' },
};

export const HOTDESK = { id: 'desk1', password: 'desk1-secret-password' };

export type Call = {
  id: string;
  state: string;
  from: { number: string };
  to: { number: string };
  channels: { id: string; endpoint: string; state: string }[];
};
export type Slot = { slot: string; occupied: boolean; callerIdNumber: string | null; timeoutAt: string | null };
export type Page = { id: string; phase: string; startedAt: string; members: { extension: string; status: string }[] };
export type Supervision = { id: string; state: string; callId: string | null; mode: string };
export type HotdeskSession = { id: string; deviceId: string; extension: string; lastActivityAt: string };

export function scenarios(rig: FaultRig) {
  const phones = rig.phones;
  const db = rig.database.db;
  const items = async <T>(url: string) => {
    const reply = await (await rig.admin()).get(url);
    if (reply.status !== 200) throw new Error(`GET ${url}: ${reply.status} ${reply.body}`);
    return reply.json<{ items: T[] }>().items;
  };
  const liveCalls = () => items<Call>('/api/calls');
  const occupied = async () => (await items<Slot>('/api/parking/slots')).filter((slot) => slot.occupied);
  const livePages = () => items<Page>('/api/paging/pages');
  const sessions = () => items<Supervision>('/api/supervision');
  const desks = () => items<HotdeskSession>('/api/hotdesk/sessions');
  const callLog = (callId: string) =>
    db.selectFrom('call_logs').selectAll().where('call_id', '=', callId).executeTakeFirst();
  const audit = (action: string) =>
    db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  const open = (extension: string) => phones[extension]!.calls.filter((c) => c.state !== 'closed');
  const incomingAfter = (extension: string, before: number) =>
    until(`a new call at ${extension}`, () =>
      phones[extension]!.calls.slice(before).find((c) => c.direction === 'incoming' && c.state !== 'closed'),
    );

  /** 1001 calls 1002 (auto-answer): both phones' calls and the controller's call id. */
  async function talking(from = '1001', to = '1002') {
    const before = phones[to]!.calls.length;
    const outgoing = phones[from]!.dial(to);
    const incoming = await incomingAfter(to, before);
    await until('both sides up', () => outgoing.state === 'established' && incoming.state === 'established');
    const call = await until('the call listed as answered', async () =>
      (await liveCalls()).find(
        (c) => c.state === 'answered' && c.channels.some((ch) => ch.id === outgoing.channelId),
      ),
    );
    return { outgoing, incoming, callId: call.id };
  }

  /** 1002 parks 1001 by #72: 1001's call (on hold in the slot) and the slot. */
  async function parked() {
    const { outgoing, incoming, callId } = await talking('1001', '1002');
    phones['1002']!.sendDtmf('#72', incoming);
    const slot = await until('a slot occupied by 1001', async () =>
      (await occupied()).find((s) => s.callerIdNumber === '1001'),
    );
    await until('the parker released', () => incoming.state === 'closed');
    return { caller: outgoing, callId, slot };
  }

  /** A page group of 1003 and 1004 (created once), paged by 1001; resolves once both members are connected. */
  let groupId: string | undefined;
  async function paging(maxSeconds = 300) {
    const admin = await rig.admin();
    if (!groupId) {
      const created = await admin.post('/api/paging/groups', {
        number: '801',
        name: 'Fault floor',
        members: ['1003', '1004'],
        maxSeconds,
        beep: false,
      });
      expect(created.status, created.body).toBe(201);
      groupId = created.json<{ id: string }>().id;
    }
    const response = await admin.post('/api/paging/pages', { groupId, fromExtension: '1001' });
    expect(response.status, response.body).toBe(201);
    const id = response.json<Page>().id;
    const page = await until('both members connected', async () => {
      const live = (await livePages()).find((p) => p.id === id);
      return live?.members.every((m) => m.status === 'connected') ? live : undefined;
    });
    const members = {
      '1003': await until('1003 paged', () => open('1003').at(-1)),
      '1004': await until('1004 paged', () => open('1004').at(-1)),
    };
    await until('members up', () => Object.values(members).every((c) => c.state === 'established'));
    const pager = await until('the pager up', () => open('1001').find((c) => c.state === 'established'));
    return { page, members, pager };
  }

  /** 1010 monitors (or whispers to) 1001 on its call with 1002. */
  async function supervised(mode: 'monitor' | 'whisper' = 'monitor') {
    const call = await talking('1001', '1002');
    const before = phones['1010']!.calls.length;
    const response = await (
      await rig.as('1010')
    ).post('/api/supervision', { targetExtension: '1001', supervisorExtension: '1010', mode });
    expect(response.status, response.body).toBe(201);
    const id = response.json<Supervision>().id;
    await until('the session active', async () => (await sessions()).find((s) => s.id === id)?.state === 'active');
    const supervisor = await incomingAfter('1010', before);
    await until('the supervisor hears both', () => phones['1010']!.hears(supervisor).length === 2);
    return { ...call, id, supervisor };
  }

  /** The hot desk device (created and registered once); 1006 logged into it by the admin. */
  async function hotdesked() {
    const admin = await rig.admin();
    if (!phones[HOTDESK.id]) {
      const created = await admin.post('/api/devices', {
        id: HOTDESK.id,
        name: 'Hot desk 1',
        hotdesk: true,
        sipPassword: HOTDESK.password,
      });
      expect(created.status, created.body).toBe(201);
      await registerDesk();
    }
    const login = await admin.post('/api/hotdesk/login', { deviceId: HOTDESK.id, extension: '1006' });
    expect(login.status, login.body).toBe(200);
    return until('the session listed', async () => (await desks()).find((s) => s.deviceId === HOTDESK.id));
  }
  async function registerDesk() {
    phones[HOTDESK.id] = await until('the hot desk registered', () =>
      rig.double.registerPhone(HOTDESK.id, { password: HOTDESK.password, answerMode: 'manual' }).catch(() => undefined),
    );
  }

  /** 1005 rings its desk for `deskSeconds`, then its webphone; 1001 calls and nobody answers. */
  async function ringing(deskSeconds: number) {
    const put = await (
      await rig.admin()
    ).put(`/api/users/${rig.users['1005']!.id}/ring-settings`, {
      strategy: 'sequential',
      targets: [
        { kind: 'desk', delaySeconds: 0, timeoutSeconds: deskSeconds },
        { kind: 'webphone', delaySeconds: 0, timeoutSeconds: 60 },
      ],
    });
    expect(put.status, put.body).toBe(200);
    const before = { desk: phones['1005']!.calls.length, web: phones['1005-web']!.calls.length };
    const outgoing = phones['1001']!.dial('1005');
    const desk = await incomingAfter('1005', before.desk);
    const dialledAt = Date.now();
    const call = await until('the call listed as ringing', async () =>
      (await liveCalls()).find((c) => c.channels.some((ch) => ch.id === outgoing.channelId)),
    );
    return { outgoing, desk, dialledAt, callId: call.id, webBefore: before.web };
  }

  /** Hangs up every call still open on a phone, then checks nothing is left anywhere. */
  async function settle() {
    for (const phone of Object.values(phones))
      for (const call of phone.calls) if (call.state !== 'closed') phone.hangup(call);
    await until('no channel left in Asterisk', () => rig.double.channels().length === 0);
    await until('no live call', async () => (await liveCalls()).length === 0);
    await until('no slot occupied', async () => (await occupied()).length === 0);
    await until('no live page', async () => (await livePages()).length === 0);
    await until('no supervision session', async () =>
      (await sessions()).every((s) => s.state === 'ended'),
    );
  }

  /** Every call log row is closed (an end time and a disposition): none left open by a fault. */
  async function callLogsClosed() {
    return until('every call log row closed', async () => {
      const open = await db
        .selectFrom('call_logs')
        .select(['call_id', 'ended_at', 'disposition'])
        .where((eb) => eb.or([eb('ended_at', 'is', null), eb('disposition', 'is', null)]))
        .execute();
      return open.length === 0;
    });
  }

  return {
    liveCalls,
    occupied,
    livePages,
    sessions,
    desks,
    callLog,
    audit,
    open,
    incomingAfter,
    talking,
    parked,
    paging,
    supervised,
    hotdesked,
    registerDesk,
    ringing,
    settle,
    callLogsClosed,
  };
}

export type Scenarios = ReturnType<typeof scenarios>;

/** The call's log row once it is closed (ended_at and disposition set). */
export async function closedLog(s: Scenarios, callId: string) {
  return until(`the call log of ${callId} closed`, async () => {
    const row = await s.callLog(callId);
    return row?.ended_at && row.disposition ? row : undefined;
  });
}

export const isClosed = (call: PhoneCall) => call.state === 'closed';
