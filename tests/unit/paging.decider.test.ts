import { describe, expect, it } from 'vitest';
import { planMembers } from '../../controller/features/paging/page-members.js';
import { evolve } from '../../controller/features/paging/page-state.js';
import { decide } from '../../controller/features/paging/paging.decider.js';
import type {
  AccountPresence,
  MemberCandidate,
  PageEffect,
  PageInput,
  PageSetup,
  PageState,
} from '../../controller/features/paging/paging.types.js';

const t0 = new Date('2026-01-01T10:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const account = (endpoint: string, activity: AccountPresence['activity'] = 'idle', registered = true) => ({
  endpoint,
  activity,
  registered,
});
const member = (extension: string, overrides: Partial<MemberCandidate> = {}): MemberCandidate => ({
  extension,
  dnd: false,
  accounts: [account(`PJSIP/${extension}`)],
  ...overrides,
});

describe('who a page calls (planMembers)', () => {
  const normal = { priority: 'normal', busyPolicy: 'skip', pagerExtension: '1001' } as const;
  const force = { ...normal, busyPolicy: 'force' } as const;
  const emergency = { ...normal, priority: 'emergency' } as const;
  const onCall = member('1003', { accounts: [account('PJSIP/1003', 'on-call'), account('PJSIP/1003-web')] });
  const ringing = member('1003', { accounts: [account('PJSIP/1003', 'ringing')] });
  const dnd = member('1003', { dnd: true });
  const unregistered = member('1003', { accounts: [account('PJSIP/1003', 'idle', false)] });
  const inNormal = member('1003', { inPage: { pageId: 'p0', priority: 'normal', channelIds: ['L1'] } });
  const inEmergency = member('1003', { inPage: { pageId: 'p0', priority: 'emergency', channelIds: ['L1'] } });

  it.each([
    [
      'an idle member: every registered account',
      member('1003', {
        accounts: [account('PJSIP/1003'), account('PJSIP/1003-web'), account('PJSIP/desk9', 'idle', false)],
      }),
      normal,
      { action: 'call', endpoints: ['PJSIP/1003', 'PJSIP/1003-web'] },
    ],
    ['the pager itself', member('1001'), emergency, { action: 'skip', reason: 'pager' }],
    ['on a call (skip)', onCall, normal, { action: 'skip', reason: 'on-call' }],
    ['on a call (force)', onCall, force, { action: 'skip', reason: 'on-call' }],
    ['on a call (emergency)', onCall, emergency, { action: 'skip', reason: 'on-call' }],
    ['ringing (skip)', ringing, normal, { action: 'skip', reason: 'ringing' }],
    ['ringing (force)', ringing, force, { action: 'call', endpoints: ['PJSIP/1003'] }],
    ['in DND (skip)', dnd, normal, { action: 'skip', reason: 'dnd' }],
    ['in DND (force)', dnd, force, { action: 'call', endpoints: ['PJSIP/1003'] }],
    ['in DND (emergency overrides)', dnd, emergency, { action: 'call', endpoints: ['PJSIP/1003'] }],
    ['no registered device', unregistered, normal, { action: 'fail', reason: 'unregistered' }],
    ['in a normal page, paged normally', inNormal, force, { action: 'skip', reason: 'in-another-page' }],
    [
      'in a normal page, paged in an emergency',
      inNormal,
      emergency,
      { action: 'take', fromPageId: 'p0', channelIds: ['L1'] },
    ],
    [
      'in an emergency page, paged in an emergency',
      inEmergency,
      emergency,
      { action: 'skip', reason: 'in-another-page' },
    ],
  ] as const)('given %s, it decides so', (_what, candidate, rules, expected) => {
    expect(planMembers([candidate], rules)).toEqual([{ extension: candidate.extension, ...expected }]);
  });

  it('calls a member of two overlapping groups once', () => {
    const plans = planMembers([member('1003'), member('1004'), member('1003')], normal);
    expect(plans.map((p) => p.extension)).toEqual(['1003', '1004']);
  });
});

function setup(overrides: Partial<PageSetup> = {}): PageSetup {
  return {
    id: 'pg1',
    mode: 'page',
    number: '801',
    name: 'Sales',
    groupIds: ['g1'],
    priority: 'normal',
    busyPolicy: 'skip',
    beep: true,
    maxSeconds: 30,
    pager: { extension: '1001', name: 'Alice', origin: 'dial', channelId: 'P' },
    candidates: [
      member('1003'),
      member('1004', { dnd: true }),
      member('1005', { accounts: [account('PJSIP/1005'), account('PJSIP/1005-web')] }),
    ],
    ...overrides,
  };
}

/** Runs inputs in order, folding every event; returns the state and what the last input decided. */
function run(inputs: PageInput[], times: Date[] = []) {
  let state: PageState | undefined;
  let last = { events: [] as ReturnType<typeof decide>['events'], effects: [] as PageEffect[] };
  const all: PageEffect[] = [];
  inputs.forEach((input, i) => {
    last = decide(input, state, times[i] ?? t0);
    for (const event of last.events) state = evolve(state, event);
    all.push(...last.effects);
  });
  return { state: state!, last, all };
}

const L3 = 'page-pg1-m0-0';
const L5 = 'page-pg1-m2-0';
const L5web = 'page-pg1-m2-1';
const live: PageInput[] = [
  { kind: 'start', setup: setup() },
  { kind: 'bridge-created' },
  { kind: 'channel-up', channelId: 'P' },
  { kind: 'entered-bridge', channelId: 'P' },
];
const memberJoins = (id: string): PageInput[] => [
  { kind: 'channel-entered', channelId: id },
  { kind: 'channel-up', channelId: id },
  { kind: 'leg-muted', channelId: id },
  { kind: 'playback-finished', playbackId: `${id}-beep` },
  { kind: 'entered-bridge', channelId: id },
];

describe('a page (decide)', () => {
  it('given a dialled page, when it starts, then the bridge is made and the pager answered; nobody is called yet', () => {
    const { last, state } = run(live.slice(0, 1));
    expect(last.effects).toEqual([
      { kind: 'create-bridge', bridgeId: 'page-pg1', name: 'page-801' },
      { kind: 'answer', channelId: 'P' },
    ]);
    expect(state.members.map((m) => [m.extension, m.status, m.reason])).toEqual([
      ['1003', 'calling', undefined],
      ['1004', 'skipped', 'dnd'],
      ['1005', 'calling', undefined],
    ]);
  });

  it('given the pager is in the bridge, then the page is live for maxSeconds and every member account is called with auto-answer', () => {
    const { last, state } = run(live);
    expect(last.events).toContainEqual({ kind: 'went-live', deadline: at(30).toISOString() });
    expect(last.effects).toEqual([
      { kind: 'set-timer', at: at(30).toISOString() },
      { kind: 'create-leg', channelId: L3, endpoint: 'PJSIP/1003', autoAnswer: true },
      { kind: 'create-leg', channelId: L5, endpoint: 'PJSIP/1005', autoAnswer: true },
      { kind: 'create-leg', channelId: L5web, endpoint: 'PJSIP/1005-web', autoAnswer: true },
    ]);
    expect(state.phase).toBe('live');
  });

  it('given a member leg, then it is dialled, muted once answered, beeped once muted, and joins after the beep', () => {
    const steps = memberJoins(L3).map((input, i) => run([...live, ...memberJoins(L3).slice(0, i + 1)]).last);
    expect(steps[0]!.effects).toEqual([{ kind: 'dial', channelId: L3 }]);
    // Asterisk refuses to mute a channel that is down or ringing (412): the mute waits for the answer.
    expect(steps[1]!.effects).toEqual([{ kind: 'mute', channelId: L3 }]);
    expect(steps[2]!.effects).toEqual([
      { kind: 'play', playbackId: `${L3}-beep`, channelId: L3, media: ['sound:beep'] },
    ]);
    expect(steps[3]!.effects).toEqual([{ kind: 'add-to-bridge', channelId: L3 }]);
    expect(steps[4]!.events).toContainEqual({ kind: 'member-joined', extension: '1003', channelId: L3 });
    expect(run([...live, ...memberJoins(L3)]).state.members[0]!.status).toBe('connected');
  });

  it('given no beep, then an answered member joins at once', () => {
    const inputs: PageInput[] = [{ kind: 'start', setup: setup({ beep: false }) }, ...live.slice(1)];
    const { last } = run([
      ...inputs,
      { kind: 'channel-entered', channelId: L3 },
      { kind: 'channel-up', channelId: L3 },
      { kind: 'leg-muted', channelId: L3 },
    ]);
    expect(last.effects).toEqual([{ kind: 'add-to-bridge', channelId: L3 }]);
  });

  it('given an answered member whose mute is not confirmed yet, then nothing of it reaches the bridge', () => {
    const { all } = run([
      ...live,
      { kind: 'channel-entered', channelId: L3 },
      { kind: 'channel-up', channelId: L3 },
    ]);
    expect(all).not.toContainEqual({ kind: 'add-to-bridge', channelId: L3 });
    expect(all).not.toContainEqual(expect.objectContaining({ kind: 'play', channelId: L3 }));
  });

  it('given a reconnect with a member caught between its answer and the bridge, then it is muted again or joins', () => {
    const answered: PageInput[] = [
      ...live,
      { kind: 'channel-entered', channelId: L3 },
      { kind: 'channel-up', channelId: L3 },
    ];
    expect(run([...answered, { kind: 'reconcile', channelIds: ['P', L3] }]).last.effects).toEqual([
      { kind: 'mute', channelId: L3 },
    ]);
    const beeping = [...answered, { kind: 'leg-muted', channelId: L3 } as PageInput];
    expect(run([...beeping, { kind: 'reconcile', channelIds: ['P', L3] }]).last.effects).toEqual([
      { kind: 'add-to-bridge', channelId: L3 },
    ]);
  });

  it('given a member hangs up early, then only that member leaves', () => {
    const { state, last } = run([...live, ...memberJoins(L3), { kind: 'channel-left', channelId: L3 }]);
    expect(last.effects).toEqual([]);
    expect(state.phase).toBe('live');
    expect(state.members[0]).toMatchObject({ status: 'left', reason: 'hung-up' });
  });

  it('given a member whose device cannot be called, then it fails and the page goes on', () => {
    const failed: PageInput = {
      kind: 'effect-failed',
      effect: { kind: 'create-leg', channelId: L3, endpoint: 'PJSIP/1003', autoAnswer: true },
      reason: 'unavailable',
    };
    const { state } = run([...live, failed]);
    expect(state.members[0]).toMatchObject({ status: 'failed', reason: 'unavailable' });
    expect(state.phase).toBe('live');
  });

  it('given one of two accounts of a member fails, then the member is still reached through the other', () => {
    const failed: PageInput = {
      kind: 'effect-failed',
      effect: { kind: 'create-leg', channelId: L5web, endpoint: 'PJSIP/1005-web', autoAnswer: true },
      reason: 'unavailable',
    };
    const { state } = run([...live, failed, ...memberJoins(L5)]);
    expect(state.members[2]).toMatchObject({ status: 'connected' });
  });

  it.each([
    ['the pager hangs up', { kind: 'channel-left', channelId: 'P' } as PageInput, t0, 'pager-hung-up'],
    ['maxSeconds pass', { kind: 'timeout' } as PageInput, at(30), 'max-length'],
    ['DELETE', { kind: 'stop' } as PageInput, t0, 'stopped'],
  ])(
    'given %s, then every leg is hung up and the bridge destroyed; ended once all left',
    (_w, input, when, reason) => {
      const before = [...live, ...memberJoins(L3), ...memberJoins(L5), ...memberJoins(L5web)];
      const times = [...before.map(() => t0), when];
      const { last } = run([...before, input], times);
      expect(last.events).toContainEqual({ kind: 'ending', reason });
      const hangups = last.effects
        .filter((e) => e.kind === 'hangup')
        .map((e) => (e as { channelId: string }).channelId);
      expect(hangups.sort()).toEqual(
        (input.kind === 'channel-left' ? [L3, L5, L5web] : ['P', L3, L5, L5web]).sort(),
      );
      expect(last.effects).toContainEqual({ kind: 'destroy-bridge', bridgeId: 'page-pg1' });
      const gone = hangups.map((channelId): PageInput => ({ kind: 'channel-left', channelId }));
      const after = run([...before, input, ...gone], [...times, ...gone.map(() => when)]);
      expect(after.state.phase).toBe('ended');
      expect(after.state.endReason).toBe(reason);
      expect(after.state.members[0]!.status).toBe('connected');
    },
  );

  it('given a timeout before the deadline, then nothing happens', () => {
    expect(run([...live, { kind: 'timeout' }], [t0, t0, t0, t0, at(29)]).last).toEqual({
      events: [],
      effects: [],
    });
  });

  it('given a leg created while the page ends, then it is hung up when it arrives', () => {
    const { last } = run([...live, { kind: 'stop' }, { kind: 'channel-entered', channelId: L3 }]);
    expect(last.effects).toEqual([{ kind: 'hangup', channelId: L3 }]);
  });

  it('given an emergency page takes a member of a normal page, then its legs move into the emergency bridge, muted', () => {
    const emergency = setup({
      id: 'pg2',
      priority: 'emergency',
      candidates: [member('1003', { inPage: { pageId: 'pg1', priority: 'normal', channelIds: [L3] } })],
    });
    const { last } = run([
      { kind: 'start', setup: emergency },
      { kind: 'bridge-created' },
      { kind: 'channel-up', channelId: 'P' },
      { kind: 'entered-bridge', channelId: 'P' },
    ]);
    expect(last.effects).toEqual([
      { kind: 'set-timer', at: at(30).toISOString() },
      { kind: 'take-member', fromPageId: 'pg1', extension: '1003' },
      { kind: 'mute', channelId: L3 },
      { kind: 'add-to-bridge', channelId: L3 },
    ]);
    // …and the normal page lets the member go without hanging it up, going on for the others.
    const normal = run([
      ...live,
      ...memberJoins(L3),
      { kind: 'member-taken', extension: '1003' },
      { kind: 'stop' },
    ]);
    expect(normal.state.members[0]).toMatchObject({ status: 'left', reason: 'preempted', legs: [] });
    expect(normal.last.effects).not.toContainEqual({ kind: 'hangup', channelId: L3 });
  });

  it('given an API page, then the pager is rung first; the first account to answer is the pager, the rest stop', () => {
    const api = setup({
      pager: { extension: '1001', name: 'Alice', origin: 'api', endpoints: ['PJSIP/1001', 'PJSIP/1001-web'] },
    });
    const start = run([{ kind: 'start', setup: api }]);
    expect(start.last.effects).toEqual([
      { kind: 'create-bridge', bridgeId: 'page-pg1', name: 'page-801' },
      { kind: 'create-leg', channelId: 'page-pg1-p0', endpoint: 'PJSIP/1001', autoAnswer: false },
      { kind: 'create-leg', channelId: 'page-pg1-p1', endpoint: 'PJSIP/1001-web', autoAnswer: false },
    ]);
    const answered = run([
      { kind: 'start', setup: api },
      { kind: 'bridge-created' },
      { kind: 'channel-entered', channelId: 'page-pg1-p0' },
      { kind: 'channel-entered', channelId: 'page-pg1-p1' },
      { kind: 'channel-up', channelId: 'page-pg1-p1' },
    ]);
    expect(answered.last.effects).toEqual([
      { kind: 'hangup', channelId: 'page-pg1-p0' },
      { kind: 'add-to-bridge', channelId: 'page-pg1-p1' },
    ]);
    expect(answered.state.pager.channelId).toBe('page-pg1-p1');
  });

  it('given an API page whose pager answers nowhere, then it ends as pager-unavailable', () => {
    const api = setup({
      pager: { extension: '1001', name: 'Alice', origin: 'api', endpoints: ['PJSIP/1001'] },
    });
    const { state } = run([
      { kind: 'start', setup: api },
      {
        kind: 'effect-failed',
        effect: { kind: 'create-leg', channelId: 'page-pg1-p0', endpoint: 'PJSIP/1001', autoAnswer: false },
        reason: 'unavailable',
      },
    ]);
    expect(state.endReason).toBe('pager-unavailable');
    expect(state.phase).toBe('ended');
  });

  it('given a member that cannot be muted, then it is hung up rather than heard', () => {
    const { last } = run([
      ...live,
      { kind: 'channel-entered', channelId: L3 },
      { kind: 'channel-up', channelId: L3 },
      { kind: 'effect-failed', effect: { kind: 'mute', channelId: L3 }, reason: 'failed' },
    ]);
    expect(last.effects).toEqual([{ kind: 'hangup', channelId: L3 }]);
  });

  it('given a reconnect where a member leg vanished, then that member left', () => {
    const { state } = run([...live, ...memberJoins(L3), { kind: 'reconcile', channelIds: ['P'] }]);
    expect(state.members[0]).toMatchObject({ status: 'left', reason: 'hung-up' });
    expect(state.phase).toBe('live');
  });
});

describe('an intercom (decide)', () => {
  const intercom = setup({
    mode: 'intercom',
    beep: false,
    candidates: [member('1005', { accounts: [account('PJSIP/1005'), account('PJSIP/1005-web')] })],
  });
  const L = 'page-pg1-m0-0';
  const Lweb = 'page-pg1-m0-1';
  const base: PageInput[] = [
    { kind: 'start', setup: intercom },
    { kind: 'bridge-created' },
    { kind: 'channel-up', channelId: 'P' },
    { kind: 'entered-bridge', channelId: 'P' },
    { kind: 'channel-entered', channelId: L },
    { kind: 'channel-entered', channelId: Lweb },
  ];

  it('given its legs, then they are dialled and joined without muting (two-way)', () => {
    const { all } = run([...base, { kind: 'channel-up', channelId: L }]);
    expect(all).not.toContainEqual({ kind: 'mute', channelId: L });
    expect(all).toContainEqual({ kind: 'dial', channelId: L });
  });

  it('given the first device answers, then the others stop; when it hangs up the intercom ends', () => {
    const answered = run([
      ...base,
      { kind: 'channel-up', channelId: L },
      { kind: 'entered-bridge', channelId: L },
    ]);
    expect(answered.last.effects).toEqual([{ kind: 'hangup', channelId: Lweb }]);
    const over = run([
      ...base,
      { kind: 'channel-up', channelId: L },
      { kind: 'entered-bridge', channelId: L },
      { kind: 'channel-left', channelId: Lweb },
      { kind: 'channel-left', channelId: L },
    ]);
    expect(over.state.endReason).toBe('target-hung-up');
    expect(over.last.effects).toContainEqual({ kind: 'hangup', channelId: 'P' });
  });
});
