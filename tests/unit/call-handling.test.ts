import { describe, expect, it } from 'vitest';
import { nextHop, routeDestination } from '../../controller/features/call-handling/call-routing.js';
import type { HandlingProfile, RingSettings, Schedule } from '../../controller/features/call-handling/handling.types.js';
import { NO_FORWARDING } from '../../controller/features/call-handling/handling.types.js';
import { ringEntries } from '../../controller/features/call-handling/ring-strategy.js';
import { ringSettingsProblems } from '../../controller/features/call-handling/ring-settings.rules.js';
import { isOpen } from '../../controller/features/call-handling/schedule.js';
import type { Destination, Person } from '../../controller/features/calls/call.types.js';

const bob: Person = { number: '1002', name: 'Bob', userId: 'u-1002' };
const accounts = ['PJSIP/1002', 'PJSIP/1002-web', 'PJSIP/mobile-1'].map((endpoint) => ({ endpoint }));
const t = (kind: 'desk' | 'webphone' | 'device', delaySeconds: number, timeoutSeconds: number) => ({
  kind,
  delaySeconds,
  timeoutSeconds,
  ...(kind === 'device' ? { deviceId: 'mobile-1' } : {}),
});
const times = (settings: RingSettings) =>
  ringEntries(settings, settings.strategy, bob, accounts, 30).map((e) => [e.endpoint, e.startSeconds, e.stopSeconds]);

describe('ring strategies: settings → when each device rings (seconds from the start)', () => {
  it.each([
    ['no targets: every account at once for the dial timeout', { strategy: 'sequential', targets: [] }, [
      ['PJSIP/1002', 0, 30],
      ['PJSIP/1002-web', 0, 30],
      ['PJSIP/mobile-1', 0, 30],
    ]],
    ['simultaneous: each from its delay for its timeout', { strategy: 'simultaneous', targets: [t('desk', 0, 20), t('device', 5, 15)] }, [
      ['PJSIP/1002', 0, 20],
      ['PJSIP/mobile-1', 5, 20],
    ]],
    ['sequential: one after another, each after its delay', { strategy: 'sequential', targets: [t('desk', 0, 10), t('webphone', 2, 5), t('device', 0, 8)] }, [
      ['PJSIP/1002', 0, 10],
      ['PJSIP/1002-web', 12, 17],
      ['PJSIP/mobile-1', 17, 25],
    ]],
    ['follow-me: the desk alone, then the others join; the desk rings to the end', { strategy: 'follow-me', targets: [t('desk', 0, 10), t('webphone', 0, 10), t('device', 3, 15)] }, [
      ['PJSIP/1002', 0, 28],
      ['PJSIP/1002-web', 10, 20],
      ['PJSIP/mobile-1', 13, 28],
    ]],
  ] as [string, RingSettings, unknown[]][])('%s', (_name, settings, expected) => {
    expect(times(settings)).toEqual(expected);
  });

  it('skips a target the user has no account for now (a device given away)', () => {
    const entries = ringEntries(
      { strategy: 'sequential', targets: [t('desk', 0, 10), t('device', 0, 10)] },
      'sequential',
      bob,
      [{ endpoint: 'PJSIP/1002' }],
      30,
    );
    expect(entries.map((e) => e.endpoint)).toEqual(['PJSIP/1002']);
  });

  it('an external target rings through the trunk, screened, showing the carrier the caller ID the trunk gives; one the trunk cannot reach is skipped', () => {
    const mobile = { kind: 'external' as const, number: '+4915112345678', delaySeconds: 5, timeoutSeconds: 20 };
    const unreachable = { kind: 'external' as const, number: '+4915199999999', delaySeconds: 0, timeoutSeconds: 20 };
    const leg = { endpoint: 'PJSIP/trunk-t1/sip:+4915112345678@carrier:5060', callerId: { name: '', number: '+4930100' }, screenSeconds: 15 };
    const entries = ringEntries(
      { strategy: 'follow-me', targets: [t('desk', 0, 10), mobile, unreachable] },
      'follow-me',
      bob,
      accounts,
      30,
      new Map([[mobile.number, leg]]),
    );
    expect(entries).toEqual([
      { endpoint: 'PJSIP/1002', person: bob, startSeconds: 0, stopSeconds: 35 },
      { endpoint: leg.endpoint, person: bob, startSeconds: 15, stopSeconds: 35, screenSeconds: 15, callerId: leg.callerId },
    ]);
  });
});

const berlin: Schedule = {
  timeZone: 'Europe/Berlin',
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
  holidays: ['2026-12-25'],
  outsideHours: { forwardTo: '1003' },
};

describe('business hours: open or not, by the zone’s wall clock (fake clock)', () => {
  it.each([
    ['Friday 08:59 CET', '2026-03-27T07:59:00Z', false],
    ['Friday 09:00 CET: the boundary opens', '2026-03-27T08:00:00Z', true],
    ['Friday 16:59 CET', '2026-03-27T15:59:00Z', true],
    ['Friday 17:00 CET: the boundary closes', '2026-03-27T16:00:00Z', false],
    ['Saturday noon', '2026-03-28T11:00:00Z', false],
    // Clocks go forward on Sunday 29 March 2026: 09:00 local is now 07:00 UTC, not 08:00.
    ['Monday after the DST change, 07:00 UTC = 09:00 CEST', '2026-03-30T07:00:00Z', true],
    ['Monday after the DST change, 06:59 UTC = 08:59 CEST', '2026-03-30T06:59:00Z', false],
    ['Monday after the DST change, 15:00 UTC = 17:00 CEST', '2026-03-30T15:00:00Z', false],
    // Back on Sunday 25 October 2026.
    ['Monday after the change back, 07:30 UTC = 08:30 CET', '2026-10-26T07:30:00Z', false],
    ['Monday after the change back, 08:00 UTC = 09:00 CET', '2026-10-26T08:00:00Z', true],
    ['a holiday (Friday 25 December)', '2026-12-25T10:00:00Z', false],
    ['late Thursday UTC is already the holiday in Berlin', '2026-12-24T23:30:00Z', false],
  ])('%s → open: %s', (_name, when, open) => {
    expect(isOpen(berlin, new Date(when))).toBe(open);
  });
});

const profile = (patch: Partial<HandlingProfile> = {}): HandlingProfile => ({
  userId: 'u-1002',
  extension: '1002',
  teamId: null,
  dnd: false,
  forwarding: NO_FORWARDING,
  ringSettings: { strategy: 'simultaneous', targets: [] },
  ...patch,
});

describe('what a call to the user does first', () => {
  const friday10 = new Date('2026-03-27T09:00:00Z');
  const saturday = new Date('2026-03-28T11:00:00Z');
  it.each([
    ['nothing set: ring', profile(), friday10, { kind: 'ring', strategy: 'simultaneous' }],
    ['DND: busy (before any forward)', profile({ dnd: true, forwarding: { ...NO_FORWARDING, always: '1003' } }), friday10, { kind: 'busy' }],
    ['unconditional forward', profile({ forwarding: { ...NO_FORWARDING, always: '1003' } }), friday10, { kind: 'forward', to: '1003', why: 'always' }],
    ['inside hours: the strategy', profile({ ringSettings: { strategy: 'sequential', targets: [], schedule: berlin } }), friday10, { kind: 'ring', strategy: 'sequential' }],
    ['outside hours: the schedule forwards', profile({ ringSettings: { strategy: 'sequential', targets: [], schedule: berlin } }), saturday, { kind: 'forward', to: '1003', why: 'schedule' }],
    [
      'outside hours: another strategy',
      profile({ ringSettings: { strategy: 'sequential', targets: [], schedule: { ...berlin, outsideHours: { strategy: 'simultaneous' } } } }),
      saturday,
      { kind: 'ring', strategy: 'simultaneous' },
    ],
  ])('%s', (_name, p, now, hop) => {
    expect(nextHop(p, now)).toEqual(hop);
  });
});

describe('routing with forwards: loops end at the last distinct target', () => {
  const person = (ext: string): Person => ({ number: ext, name: `User ${ext}`, userId: `u-${ext}` });
  const dest = (ext: string): Destination => ({ kind: 'user', user: person(ext), targets: [{ endpoint: `PJSIP/${ext}` }] });
  async function route(forwards: Record<string, Partial<HandlingProfile['forwarding']> & { dnd?: boolean }>) {
    const result = await routeDestination(
      dest('1001'),
      {
        profileOf: async (ext) => {
          const { dnd, ...f } = forwards[ext] ?? {};
          return profile({ userId: `u-${ext}`, extension: ext, dnd: dnd ?? false, forwarding: { ...NO_FORWARDING, ...f } });
        },
        resolve: async (ext) => (/^100\d$/.test(ext) ? dest(ext) : { kind: 'unknown' }),
      },
      { now: new Date('2026-03-27T09:00:00Z'), dialTimeoutSeconds: 30, screeningSeconds: 15 },
    );
    if (result.kind === 'busy') return { busy: result.path };
    if (result.kind !== 'user') return result.kind;
    return {
      to: result.user.number,
      path: result.plan?.path,
      rings: result.plan?.entries.map((e) => e.endpoint) ?? result.targets.map((t) => t.endpoint),
      onBusy: result.plan?.onBusy?.kind === 'user' ? result.plan.onBusy.plan?.path : undefined,
      onNoAnswer: result.plan?.onNoAnswer?.destination.kind === 'user' ? result.plan.onNoAnswer.destination.plan?.path : undefined,
    };
  }

  it.each([
    ['no handling: as the directory had it', {}, { to: '1001', path: undefined, rings: ['PJSIP/1001'] }],
    ['A → B', { 1001: { always: '1002' } }, { to: '1001', path: ['1001', '1002'], rings: ['PJSIP/1002'] }],
    ['A → B → A: B', { 1001: { always: '1002' }, 1002: { always: '1001' } }, { to: '1001', path: ['1001', '1002'], rings: ['PJSIP/1002'] }],
    ['A → B → C → A: C', { 1001: { always: '1002' }, 1002: { always: '1003' }, 1003: { always: '1001' } }, { to: '1001', path: ['1001', '1002', '1003'], rings: ['PJSIP/1003'] }],
    ['A → A: A', { 1001: { always: '1001' } }, { to: '1001', path: ['1001'], rings: ['PJSIP/1001'] }],
    ['A → nobody: A', { 1001: { always: '1999' } }, { to: '1001', path: ['1001'], rings: ['PJSIP/1001'] }],
    ['A in DND: busy', { 1001: { dnd: true } }, { busy: ['1001'] }],
    ['A in DND, busy → B', { 1001: { dnd: true, busy: '1002' } }, { to: '1001', path: ['1001', '1002'], rings: ['PJSIP/1002'] }],
    ['A → B, B in DND: busy after the path', { 1001: { always: '1002' }, 1002: { dnd: true } }, { busy: ['1001', '1002'] }],
    [
      'no-answer loop A ⇄ B: B has no further forward',
      { 1001: { noAnswer: '1002' }, 1002: { noAnswer: '1001' } },
      { to: '1001', path: ['1001'], rings: ['PJSIP/1001'], onNoAnswer: ['1002'] },
    ],
    ['busy to oneself is dropped', { 1001: { busy: '1001' } }, { to: '1001', path: ['1001'], rings: ['PJSIP/1001'] }],
  ])('%s', async (_name, forwards, expected) => {
    expect(await route(forwards)).toMatchObject(expected);
  });
});

describe('ring settings checks: each problem named', () => {
  const facts = {
    userId: 'u-1002',
    devices: new Map([
      ['mine', { ownerUserId: 'u-1002', hotdesk: false }],
      ['theirs', { ownerUserId: 'u-1003', hotdesk: false }],
      ['hot', { ownerUserId: null, hotdesk: true }],
    ]),
    knownExtensions: new Set(['1003']),
  };
  const problems = (settings: RingSettings) => ringSettingsProblems(settings, facts).map((p) => p.path);
  it.each([
    ['a good one', { strategy: 'sequential', targets: [t('desk', 0, 10), { ...t('device', 0, 10), deviceId: 'mine' }] }, []],
    ['a hot desk device may be rung', { strategy: 'simultaneous', targets: [{ ...t('device', 0, 10), deviceId: 'hot' }] }, []],
    ['someone else’s device', { strategy: 'simultaneous', targets: [{ ...t('device', 0, 10), deviceId: 'theirs' }] }, ['targets.0.deviceId']],
    ['a negative delay, an absurd timeout', { strategy: 'simultaneous', targets: [t('desk', -5, 10), t('webphone', 0, 3600)] }, ['targets.0.delaySeconds', 'targets.1.timeoutSeconds']],
    ['the same target twice', { strategy: 'simultaneous', targets: [t('desk', 0, 10), t('desk', 5, 10)] }, ['targets.1']],
    [
      'overlapping hours',
      { strategy: 'simultaneous', targets: [], schedule: { ...berlin, weekly: [...berlin.weekly, { days: ['fri'], from: '16:00', to: '20:00' }] } },
      ['schedule.weekly.1'],
    ],
    [
      'adjacent hours do not overlap',
      { strategy: 'simultaneous', targets: [], schedule: { ...berlin, weekly: [...berlin.weekly, { days: ['fri'], from: '17:00', to: '20:00' }] } },
      [],
    ],
  ] as [string, RingSettings, string[]][])('%s', (_name, settings, expected) => {
    expect(problems(settings)).toEqual(expected);
  });
});
