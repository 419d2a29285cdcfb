import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BaresipPhone } from './baresip.js';
import { Hearing, SILENT_DB } from './hearing.js';
import {
  describeLive,
  establishedAt,
  live,
  sleep,
  startLivePbx,
  type LivePbx,
  type LiveUser,
} from './live-env.js';
import { startSipTrace, type SipMessage } from './sip-trace.js';

/**
 * Paging on a real Asterisk (issue 9): every phone sends its own tone and records what it hears. 1001 pages group
 * 801 (1003, 1004); 802 is an emergency group of 1003. baresip ignores the auto-answer headers, so the phones
 * answer by themselves (`answermode=auto`); the headers are read from Asterisk's SIP log.
 */
const tones = { '1001': 440, '1002': 1000, '1003': 1400, '1004': 1800 } as const;
const allTones = tones as unknown as Record<string, number>;

describeLive('live: paging on a real Asterisk', () => {
  let pbx: LivePbx;
  const users: Record<string, LiveUser> = {};
  const phones: Record<string, BaresipPhone> = {};

  beforeAll(async () => {
    pbx = await startLivePbx();
    for (const ext of Object.keys(tones)) users[ext] = await pbx.createUser(ext);
    for (const [ext, hz] of Object.entries(tones))
      phones[ext] = await pbx.phone(ext, users[ext]!.sipPassword, hz);
    const group = await pbx.admin.post('/api/paging/groups', {
      number: '801',
      name: 'Sales floor',
      members: ['1003', '1004'],
      beep: true,
      maxSeconds: 60,
    });
    expect(group.statusCode).toBe(201);
    const emergency = await pbx.admin.post('/api/paging/groups', {
      number: '802',
      name: 'Fire wardens',
      members: ['1003'],
      priority: 'emergency',
      beep: false,
    });
    expect(emergency.statusCode).toBe(201);
  }, 90_000);

  afterAll(async () => pbx?.close());

  const since = () => pbx.events.length;
  const eventAfter: LivePbx['eventAfter'] = (...args) => pbx.eventAfter(...args);
  const clear = () => Object.values(phones).forEach((p) => p.clearEvents());
  const idle = () => pbx.idle();

  it('1001 pages 801: 1003 and 1004 hear 1001, 1001 hears neither, members do not hear each other; INVITEs carry the auto-answer headers', async () => {
    clear();
    const from = since();
    const trace = await startSipTrace();
    let messages: SipMessage[] = [];
    try {
      await phones['1001']!.dial(`sip:801@${live.sipAddress}`);
      const [pagerUp, m3Up, m4Up] = await Promise.all([
        establishedAt(phones['1001']!),
        establishedAt(phones['1003']!),
        establishedAt(phones['1004']!),
      ]);
      const started = await eventAfter(from, 'page.started');
      await eventAfter(from, 'page.member-joined', (d) => d.extension === '1003');
      await eventAfter(from, 'page.member-joined', (d) => d.extension === '1004');
      const window = { from: Date.now(), to: Date.now() + 3000 };
      await sleep(3000);
      await phones['1001']!.hangup();
      await Promise.all(['1001', '1003', '1004'].map((ext) => phones[ext]!.waitFor('CALL_CLOSED', 10_000)));
      const ended = await eventAfter(from, 'page.ended');
      await sleep(500);
      messages = await trace.stop();

      const heard = {
        pager: new Hearing(phones['1001']!, pagerUp).tones(window, allTones),
        '1003': new Hearing(phones['1003']!, m3Up).tones(window, allTones),
        '1004': new Hearing(phones['1004']!, m4Up).tones(window, allTones),
      };
      console.log('live page 801, tone SNR in dB (what each phone heard):', heard);
      expect(started.data.members).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ extension: '1003' }),
          expect.objectContaining({ extension: '1004' }),
        ]),
      );
      expect(heard['1003']['1001']).toBeGreaterThan(30);
      expect(heard['1004']['1001']).toBeGreaterThan(30);
      expect(heard['1003']['1004']).toBeLessThan(SILENT_DB);
      expect(heard['1004']['1003']).toBeLessThan(SILENT_DB);
      expect(heard.pager['1003']).toBeLessThan(SILENT_DB);
      expect(heard.pager['1004']).toBeLessThan(SILENT_DB);
      expect(ended.data).toMatchObject({ number: '801' });

      for (const ext of ['1003', '1004']) {
        const invite = messages.find(
          (m) =>
            m.direction === 'out' && m.method === 'INVITE' && m.peerPort === phones[ext]!.options.sipPort,
        );
        expect(invite, `the INVITE to ${ext}`).toBeDefined();
        const callInfo = invite!.headers['call-info'] ?? [];
        const alertInfo = invite!.headers['alert-info'] ?? [];
        console.log(
          `live page 801: INVITE to ${ext}: Call-Info ${JSON.stringify(callInfo)}, Alert-Info ${JSON.stringify(alertInfo)}`,
        );
        expect(callInfo.some((h) => /answer-after=0/.test(h))).toBe(true);
        expect(alertInfo.some((h) => /info=alert-autoanswer/.test(h))).toBe(true);
        expect(alertInfo.some((h) => /^Auto Answer$/i.test(h))).toBe(true);
      }
    } finally {
      if (messages.length === 0) await trace.stop().catch(() => undefined);
    }
    await idle();
  });

  it('a member on a call is skipped and keeps its call', async () => {
    clear();
    await phones['1003']!.dial(`sip:1002@${live.sipAddress}`);
    const [callUp] = await Promise.all([establishedAt(phones['1003']!), establishedAt(phones['1002']!)]);
    await sleep(500);
    const from = since();
    await phones['1001']!.dial(`sip:801@${live.sipAddress}`);
    const started = await eventAfter(from, 'page.started');
    await phones['1004']!.waitFor('CALL_ESTABLISHED', 10_000);
    await eventAfter(from, 'page.member-joined', (d) => d.extension === '1004');
    const window = { from: Date.now(), to: Date.now() + 3000 };
    await sleep(3000);
    await phones['1001']!.hangup();
    await eventAfter(from, 'page.ended');
    await sleep(1000);
    // The member's own call is still up after the page.
    const afterPage = { from: Date.now(), to: Date.now() + 2000 };
    await sleep(2000);
    await phones['1003']!.hangup();
    await phones['1002']!.waitFor('CALL_CLOSED', 10_000);
    await sleep(500);

    const members = started.data.members as { extension: string; status: string; reason?: string }[];
    const duringPage = new Hearing(phones['1003']!, callUp).tones(window, allTones);
    const after = new Hearing(phones['1003']!, callUp).tones(afterPage, allTones);
    console.log(
      'live page with 1003 on a call:',
      members,
      'what 1003 heard during the page:',
      duringPage,
      'after:',
      after,
    );
    expect(members.find((m) => m.extension === '1003')).toMatchObject({
      status: 'skipped',
      reason: 'on-call',
    });
    expect(members.find((m) => m.extension === '1004')).toMatchObject({ status: 'calling' });
    expect(duringPage['1002']).toBeGreaterThan(30);
    expect(duringPage['1001']).toBeLessThan(SILENT_DB);
    expect(after['1002']).toBeGreaterThan(30);
    await idle();
  });

  it('an emergency page takes 1003 out of the normal page; 1004 stays in it', async () => {
    clear();
    const from = since();
    await phones['1001']!.dial(`sip:801@${live.sipAddress}`);
    const [m3Up, m4Up] = await Promise.all([establishedAt(phones['1003']!), establishedAt(phones['1004']!)]);
    const normal = await eventAfter(from, 'page.started');
    await eventAfter(from, 'page.member-joined', (d) => d.extension === '1003');
    const before = { from: Date.now(), to: Date.now() + 2500 };
    await sleep(2500);

    const fromEmergency = since();
    await phones['1002']!.dial(`sip:802@${live.sipAddress}`);
    const emergency = await eventAfter(fromEmergency, 'page.started', (d) => d.number === '802');
    await eventAfter(
      fromEmergency,
      'page.member-joined',
      (d) => d.pageId === emergency.data.id && d.extension === '1003',
    );
    const afterMove = { from: Date.now(), to: Date.now() + 3000 };
    await sleep(3000);
    await phones['1002']!.hangup();
    await phones['1001']!.hangup();
    await Promise.all(['1003', '1004'].map((ext) => phones[ext]!.waitFor('CALL_CLOSED', 10_000)));
    await eventAfter(from, 'page.ended', (d) => d.id === normal.data.id);
    await sleep(500);

    const m3 = new Hearing(phones['1003']!, m3Up);
    const m4 = new Hearing(phones['1004']!, m4Up);
    const heard = {
      '1003 before': m3.tones(before, allTones),
      '1003 in the emergency page': m3.tones(afterMove, allTones),
      '1004 before': m4.tones(before, allTones),
      '1004 meanwhile': m4.tones(afterMove, allTones),
    };
    console.log('live emergency preemption, tone SNR in dB:', heard);
    // 1003's one call moved: the same recording has 1001 first, then 1002 alone.
    expect(phones['1003']!.events.filter((e) => e.type === 'CALL_ESTABLISHED')).toHaveLength(1);
    expect(heard['1003 before']['1001']).toBeGreaterThan(30);
    expect(heard['1003 in the emergency page']['1002']).toBeGreaterThan(30);
    expect(heard['1003 in the emergency page']['1001']).toBeLessThan(SILENT_DB);
    expect(heard['1004 meanwhile']['1001']).toBeGreaterThan(30);
    expect(heard['1004 meanwhile']['1002']).toBeLessThan(SILENT_DB);
    await idle();
  });

  it('*801004 is a two-way intercom: 1004 answers by itself and both hear each other', async () => {
    clear();
    const trace = await startSipTrace();
    let messages: SipMessage[] = [];
    try {
      await phones['1001']!.dial(`sip:*801004@${live.sipAddress}`);
      const [callerUp, calleeUp] = await Promise.all([
        establishedAt(phones['1001']!),
        establishedAt(phones['1004']!),
      ]);
      const window = { from: Date.now(), to: Date.now() + 3000 };
      await sleep(3000);
      await phones['1001']!.hangup();
      await phones['1004']!.waitFor('CALL_CLOSED', 10_000);
      await sleep(500);
      messages = await trace.stop();
      const heard = {
        '1001': new Hearing(phones['1001']!, callerUp).tones(window, allTones),
        '1004': new Hearing(phones['1004']!, calleeUp).tones(window, allTones),
      };
      console.log('live intercom 1001 -> 1004, tone SNR in dB:', heard);
      expect(heard['1001']['1004']).toBeGreaterThan(30);
      expect(heard['1004']['1001']).toBeGreaterThan(30);
      const invite = messages.find(
        (m) =>
          m.direction === 'out' && m.method === 'INVITE' && m.peerPort === phones['1004']!.options.sipPort,
      );
      expect((invite?.headers['call-info'] ?? []).some((h) => /answer-after=0/.test(h))).toBe(true);
    } finally {
      if (messages.length === 0) await trace.stop().catch(() => undefined);
    }
    await idle();
  });
});
