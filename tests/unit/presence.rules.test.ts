import { describe, expect, it } from 'vitest';
import type { ChannelState, PbxFact } from '../../controller/ari/pbx.facts.js';
import {
  accountOfChannel,
  computedViewOf,
  emptyLines,
  evolveLines,
  lineFactOf,
  phasesOn,
  type LineFact,
  type LinesState,
} from '../../controller/features/presence/presence-lines.decider.js';
import {
  channelPhaseOf,
  nextView,
  normaliseStatus,
  presenceStateOf,
  sameView,
  statusProblem,
  type ComputedView,
} from '../../controller/features/presence/presence.rules.js';
import type { ChannelPhase, PresenceState } from '../../controller/features/presence/presence.types.js';

const devices = (...registered: boolean[]) =>
  registered.map((r, i) => ({ account: ['1001', '1001-web', 'desk-7'][i]!, registered: r }));

describe('a user\u2019s state from registrations, channels and DND', () => {
  // given devices registered, channel phases on them, DND -> then state
  const table: [string, boolean[], ChannelPhase[], boolean, PresenceState][] = [
    ['nothing registered', [false, false], [], false, 'offline'],
    ['the desk registered', [true, false], [], false, 'available'],
    ['only the webphone registered', [false, true], [], false, 'available'],
    ['both registered', [true, true], [], false, 'available'],
    ['a device rings', [true, true], ['ringing'], false, 'ringing'],
    [
      'a device rings, another is idle (a leg not dialled yet)',
      [true],
      ['ringing', 'idle'],
      false,
      'ringing',
    ],
    ['a leg created but not dialled', [true], ['idle'], false, 'available'],
    ['on a call', [true], ['busy'], false, 'on-call'],
    [
      'on a call while another device rings (call waiting)',
      [true, true],
      ['busy', 'ringing'],
      false,
      'on-call',
    ],
    ['on a call with no registration left (expired mid-call)', [false], ['busy'], false, 'on-call'],
    ['DND, registered', [true], [], true, 'dnd'],
    ['DND and a device rings (an intercom through DND)', [true], ['ringing'], true, 'dnd'],
    ['DND on a call: the call shows', [true], ['busy'], true, 'on-call'],
    [
      'DND with nothing registered: offline (the flag stays in the view)',
      [false, false],
      [],
      true,
      'offline',
    ],
    ['no accounts at all', [], [], false, 'offline'],
    ['ringing on a permanent contact, nothing registered', [false], ['ringing'], false, 'ringing'],
  ];
  it.each(table)('%s', (_, registered, phases, dnd, state) => {
    expect(presenceStateOf({ devices: devices(...registered), phases, dnd })).toBe(state);
  });
});

describe('a channel counts as Asterisk\u2019s device state counts it', () => {
  const table: [ChannelState, ChannelPhase][] = [
    ['Down', 'idle'],
    ['Rsrvd', 'busy'],
    ['OffHook', 'busy'],
    ['Dialing', 'busy'],
    ['Ring', 'busy'],
    ['Ringing', 'ringing'],
    ['Up', 'busy'],
    ['Busy', 'busy'],
    ['Unknown', 'idle'],
  ];
  it.each(table)('%s is %s', (state, phase) => expect(channelPhaseOf(state)).toBe(phase));
});

describe('the account of a channel', () => {
  const table: [string, string | undefined][] = [
    ['PJSIP/1001-0000002b', '1001'],
    ['PJSIP/1001-web-0000002c', '1001-web'],
    ['PJSIP/lobby-desk-0000000a', 'lobby-desk'],
    ['PJSIP/trunk-5f1c-00000031', 'trunk-5f1c'],
    ['Local/700@from-internal-00000001;2', undefined],
    ['Snoop/1690000000.12-00000001', undefined],
    ['PJSIP/1001', undefined],
  ];
  it.each(table)('%s -> %s', (name, account) => expect(accountOfChannel(name)).toBe(account));
});

const channel = (id: string, name: string, state: ChannelState): LineFact => ({
  kind: 'channel',
  channel: { id, name, state },
});
const fold = (facts: LineFact[], from: LinesState = emptyLines) =>
  facts.reduce<{ state: LinesState; touched: (string[] | 'all')[] }>(
    (acc, fact) => {
      const change = evolveLines(acc.state, fact);
      return { state: change.state, touched: [...acc.touched, change.touched] };
    },
    { state: from, touched: [] },
  );

describe('lines: folding what Asterisk reports', () => {
  it('a registration, then the same again, touches the account once', () => {
    const { state, touched } = fold([
      { kind: 'endpoint', account: '1001', registered: true },
      { kind: 'endpoint', account: '1001', registered: true },
    ]);
    expect(state.registered.get('1001')).toBe(true);
    expect(touched).toEqual([['1001'], []]);
  });

  it('a call\u2019s channel: ringing, up, a repeated state, gone', () => {
    const { state, touched } = fold([
      channel('c1', 'PJSIP/1001-00000001', 'Down'),
      channel('c1', 'PJSIP/1001-00000001', 'Ringing'),
      channel('c1', 'PJSIP/1001-00000001', 'Up'),
      channel('c1', 'PJSIP/1001-00000001', 'Up'),
      { kind: 'channel-gone', channelId: 'c1' },
      { kind: 'channel-gone', channelId: 'c1' },
    ]);
    expect(touched).toEqual([['1001'], ['1001'], ['1001'], [], ['1001'], []]);
    expect(state.channels.size).toBe(0);
  });

  it('channels of no account (Local, Snoop) are not tracked', () => {
    const { state, touched } = fold([channel('l1', 'Local/700@from-internal-00000001;2', 'Up')]);
    expect(state.channels.size).toBe(0);
    expect(touched).toEqual([[]]);
  });

  it('a resync replaces everything: a channel missed ending is gone, a registration missed is there', () => {
    const before = fold([
      { kind: 'endpoint', account: '1001', registered: true },
      channel('c1', 'PJSIP/1001-00000001', 'Up'),
    ]).state;
    const { state, touched } = fold(
      [
        {
          kind: 'resync',
          endpoints: [
            { account: '1001', registered: false },
            { account: '1002', registered: true },
          ],
          channels: [{ id: 'c2', name: 'PJSIP/1002-00000002', state: 'Ringing' }],
        },
      ],
      before,
    );
    expect(touched).toEqual(['all']);
    expect(Object.fromEntries(state.registered)).toEqual({ '1001': false, '1002': true });
    expect(phasesOn(state, new Set(['1001']))).toEqual([]);
    expect(phasesOn(state, new Set(['1002', '1002-web']))).toEqual(['ringing']);
  });

  it('facts are read from endpoint states (PJSIP only) and channel facts', () => {
    const info = { id: 'c1', name: 'PJSIP/1001-00000001', state: 'Ring' as const };
    const ch = {
      ...info,
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      dialplan: { context: '', exten: '' },
      createdAt: '',
    };
    const facts: [PbxFact, LineFact | undefined][] = [
      [
        {
          kind: 'endpoint-state-changed',
          technology: 'PJSIP',
          resource: '1001',
          state: 'online',
          channelIds: [],
        },
        { kind: 'endpoint', account: '1001', registered: true },
      ],
      [
        {
          kind: 'endpoint-state-changed',
          technology: 'PJSIP',
          resource: '1001',
          state: 'offline',
          channelIds: [],
        },
        { kind: 'endpoint', account: '1001', registered: false },
      ],
      [
        {
          kind: 'endpoint-state-changed',
          technology: 'PJSIP',
          resource: '1001',
          state: 'unknown',
          channelIds: [],
        },
        { kind: 'endpoint', account: '1001', registered: false },
      ],
      [
        {
          kind: 'endpoint-state-changed',
          technology: 'IAX2',
          resource: '1001',
          state: 'online',
          channelIds: [],
        },
        undefined,
      ],
      [
        { kind: 'channel-entered', channel: ch, args: [] },
        { kind: 'channel', channel: ch },
      ],
      [
        { kind: 'channel-state-changed', channel: ch },
        { kind: 'channel', channel: ch },
      ],
      [
        { kind: 'dial-progress', peer: ch, status: 'RINGING' },
        { kind: 'channel', channel: ch },
      ],
      [
        { kind: 'channel-left', channel: ch },
        { kind: 'channel-gone', channelId: 'c1' },
      ],
      [{ kind: 'device-state-changed', name: 'Stasis:park-701', state: 'INUSE' }, undefined],
    ];
    for (const [fact, line] of facts) expect(lineFactOf(fact)).toEqual(line);
  });
});

const computed = (over: Partial<ComputedView> = {}): ComputedView => ({
  userId: 'u1',
  extension: '1001',
  displayName: 'Alice',
  teamId: null,
  state: 'available',
  devices: [
    { account: '1001', registered: true },
    { account: '1001-web', registered: false },
  ],
  dnd: false,
  status: null,
  stale: false,
  ...over,
});
const t = (s: number) => new Date(Date.UTC(2026, 11, 2, 9, 0, s)).toISOString();

describe('views over time: since, lastSeenAt, and what counts as a change', () => {
  it('a first view starts now; seen now when something is registered, never otherwise', () => {
    expect(nextView(undefined, computed(), t(0))).toMatchObject({ since: t(0), lastSeenAt: t(0) });
    const offline = computed({ state: 'offline', devices: [{ account: '1001', registered: false }] });
    expect(nextView(undefined, offline, t(0))).toMatchObject({ since: t(0), lastSeenAt: null });
  });

  it('the same state keeps since; a new state moves it', () => {
    const first = nextView(undefined, computed(), t(0));
    const again = nextView(first, computed(), t(5));
    expect(again).toEqual(first);
    expect(sameView(first, again)).toBe(true);
    const ringing = nextView(again, computed({ state: 'ringing' }), t(9));
    expect(ringing).toMatchObject({ state: 'ringing', since: t(9), lastSeenAt: t(0) });
    expect(sameView(again, ringing)).toBe(false);
  });

  it('lastSeenAt moves when a registration comes or goes, not on calls', () => {
    const first = nextView(undefined, computed(), t(0));
    const call = nextView(first, computed({ state: 'on-call' }), t(3));
    expect(call.lastSeenAt).toBe(t(0));
    const both = computed({
      devices: [
        { account: '1001', registered: true },
        { account: '1001-web', registered: true },
      ],
    });
    const second = nextView(call, both, t(7));
    expect(second).toMatchObject({ state: 'available', since: t(7), lastSeenAt: t(7) });
    const gone = computed({
      state: 'offline',
      devices: [
        { account: '1001', registered: false },
        { account: '1001-web', registered: false },
      ],
    });
    expect(nextView(second, gone, t(12))).toMatchObject({ since: t(12), lastSeenAt: t(12) });
  });

  it('a change of DND, status, staleness or team alone is a change', () => {
    const first = nextView(undefined, computed(), t(0));
    for (const over of [
      { dnd: true },
      { status: 'at lunch' },
      { stale: true },
      { teamId: 't2' },
      { extension: '1010' },
    ])
      expect(sameView(first, nextView(first, computed(over), t(1)))).toBe(false);
  });
});

describe('the free-text status', () => {
  const table: [string, string | undefined][] = [
    ['at lunch', undefined],
    ['x'.repeat(100), undefined],
    [`  ${'x'.repeat(100)}  `, undefined],
    ['x'.repeat(101), 'status is longer than 100 characters'],
    ['line\nbreak', 'status contains control characters'],
    ['tab\there', 'status contains control characters'],
  ];
  it.each(table)('%j -> %s', (status, problem) => expect(statusProblem(status)).toBe(problem));
  it('is trimmed, and blank clears it', () => {
    expect(normaliseStatus('  in a meeting ')).toBe('in a meeting');
    expect(normaliseStatus('   ')).toBeNull();
    expect(normaliseStatus(null)).toBeNull();
  });
});

describe('a user\u2019s view from their accounts and the lines', () => {
  const user = {
    userId: 'u1',
    extension: '1001',
    displayName: 'Alice',
    teamId: 't1',
    dnd: false,
    status: 'wfh',
  };
  const lines = fold([
    { kind: 'endpoint', account: 'hot-7', registered: true },
    { kind: 'endpoint', account: '1002', registered: true },
    channel('c1', 'PJSIP/1001-web-00000001', 'Ringing'),
    channel('c2', 'PJSIP/1002-00000002', 'Up'),
  ]).state;

  it('only the user\u2019s own accounts count (a hot desk they are logged in on among them)', () => {
    expect(computedViewOf(user, ['1001', '1001-web', 'hot-7'], lines, false)).toEqual({
      userId: 'u1',
      extension: '1001',
      displayName: 'Alice',
      teamId: 't1',
      state: 'ringing',
      devices: [
        { account: '1001', registered: false },
        { account: '1001-web', registered: false },
        { account: 'hot-7', registered: true },
      ],
      dnd: false,
      status: 'wfh',
      stale: false,
    });
  });

  it('logged out of the hot desk: nothing of theirs is registered, but the webphone still rings', () => {
    expect(computedViewOf(user, ['1001', '1001-web'], lines, true)).toMatchObject({
      state: 'ringing',
      stale: true,
    });
    expect(computedViewOf(user, ['1001'], lines, false).state).toBe('offline');
  });
});
