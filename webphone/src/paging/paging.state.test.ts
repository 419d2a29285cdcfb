import { describe, expect, it } from 'vitest';
import {
  initialPagingState,
  isEmergency,
  pagingReducer,
  type PageTarget,
  type PagingEvent,
  type PagingState,
} from './paging.state';

const group = (id: string, number: string, over: Record<string, unknown> = {}) => ({
  id,
  number,
  name: `Group ${number}`,
  members: ['1001', '1002'],
  everyone: false,
  priority: 'normal',
  busyPolicy: 'skip',
  beep: true,
  maxSeconds: 60,
  ...over,
});
const page = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  number: '801',
  name: 'Floor',
  priority: 'normal',
  fromExtension: '1010',
  startedAt: '2026-01-01T10:00:00.000Z',
  phase: 'live',
  endReason: null,
  members: [
    { extension: '1001', status: 'calling' },
    { extension: '1002', status: 'skipped', reason: 'on-call' },
  ],
  ...over,
});
const msg = (type: string, data: unknown): PagingEvent => ({
  type: 'message',
  message: { type, at: '2026-01-01T10:00:00.000Z', data },
});
const fold = (events: PagingEvent[], from: PagingState = initialPagingState) =>
  events.reduce(pagingReducer, from);
const configured = fold([
  {
    type: 'config-loaded',
    groups: [
      group('g2', '802', { priority: 'emergency' }),
      group('g1', '801'),
      group('g9', '899', { everyone: true }),
      { id: 'x' },
    ],
    zones: [
      { id: 'z1', number: '850', name: 'Building', groupIds: ['g1', 'g2'] },
      { id: 'z2', number: '851', name: 'East', groupIds: ['g1'] },
    ],
  },
]);
const target = (kind: 'group' | 'zone', id: string, number: string): PageTarget => ({
  kind,
  id,
  number,
  name: number,
});

describe('paging console: groups and zones', () => {
  it('loads groups and zones by number, dropping junk; a failed reload keeps what was loaded', () => {
    expect(configured.config).toBe('loaded');
    expect(configured.groups.map((g) => g.number)).toEqual(['801', '802', '899']);
    expect(configured.groups[2]!.everyone).toBe(true);
    expect(configured.zones.map((z) => z.number)).toEqual(['850', '851']);
    expect(fold([{ type: 'config-failed' }], configured)).toBe(configured);
    expect(fold([{ type: 'config-failed' }]).config).toBe('failed');
  });

  it('emergency: asked for, an emergency group, or a zone with one (as the controller decides)', () => {
    expect(isEmergency(configured, target('group', 'g1', '801'), 'normal')).toBe(false);
    expect(isEmergency(configured, target('group', 'g1', '801'), 'emergency')).toBe(true);
    expect(isEmergency(configured, target('group', 'g2', '802'), 'normal')).toBe(true);
    expect(isEmergency(configured, target('zone', 'z1', '850'), 'normal')).toBe(true);
    expect(isEmergency(configured, target('zone', 'z2', '851'), 'normal')).toBe(false);
  });
});

describe('paging console: sending, with a confirmation step for emergencies', () => {
  it('a normal page is sent at once; one request at a time', () => {
    const sending = fold(
      [{ type: 'page-requested', target: target('group', 'g1', '801'), priority: 'normal' }],
      configured,
    );
    expect(sending.sending).toEqual({ target: target('group', 'g1', '801'), priority: 'normal' });
    expect(sending.confirming).toBeNull();
    expect(
      fold([{ type: 'page-requested', target: target('zone', 'z2', '851'), priority: 'normal' }], sending),
    ).toBe(sending);
    const answered = fold([{ type: 'page-answered', page: page('p1', { phase: 'starting' }) }], sending);
    expect(answered.sending).toBeNull();
    expect(answered.mine).toBe('p1');
    expect(answered.pages.p1!.phase).toBe('starting');
  });

  it('an emergency waits for confirmation: cancel sends nothing, confirm sends it as emergency', () => {
    for (const [t, priority] of [
      [target('group', 'g1', '801'), 'emergency'],
      [target('group', 'g2', '802'), 'normal'],
      [target('zone', 'z1', '850'), 'normal'],
    ] as const) {
      const asked = fold([{ type: 'page-requested', target: t, priority }], configured);
      expect(asked.confirming).toEqual({ target: t });
      expect(asked.sending).toBeNull();
      expect(fold([{ type: 'cancelled' }], asked)).toEqual(configured);
      const confirmed = fold([{ type: 'confirmed' }], asked);
      expect(confirmed.confirming).toBeNull();
      expect(confirmed.sending).toEqual({ target: t, priority: 'emergency' });
    }
    // Nothing to confirm or cancel: nothing changes.
    expect(fold([{ type: 'confirmed' }, { type: 'cancelled' }], configured)).toBe(configured);
  });

  it("a refusal shows the controller's message until dismissed or the next request", () => {
    const refused = fold(
      [
        { type: 'page-requested', target: target('group', 'g1', '801'), priority: 'normal' },
        { type: 'page-failed', message: 'group 801 is already being paged' },
      ],
      configured,
    );
    expect(refused).toMatchObject({ sending: null, error: 'group 801 is already being paged' });
    expect(fold([{ type: 'dismiss-error' }], refused).error).toBeNull();
    expect(
      fold([{ type: 'page-requested', target: target('group', 'g1', '801'), priority: 'normal' }], refused)
        .error,
    ).toBeNull();
  });
});

describe('paging console: live pages from the snapshot and page.* events', () => {
  it('started, members joining, ended; the snapshot replaces the list', () => {
    let state = fold([msg('snapshot', { pages: [page('p0')] }), msg('page.started', page('p1'))]);
    expect(Object.keys(state.pages)).toEqual(['p0', 'p1']);
    state = fold(
      [msg('page.member-joined', { pageId: 'p1', number: '801', extension: '1001', channelId: 'x' })],
      state,
    );
    state = fold(
      [msg('page.member-joined', { pageId: 'p1', number: '801', extension: '1003', channelId: 'y' })],
      state,
    );
    expect(state.pages.p1!.members).toEqual([
      { extension: '1001', status: 'connected' },
      { extension: '1002', status: 'skipped', reason: 'on-call' },
      { extension: '1003', status: 'connected' },
    ]);
    expect(fold([msg('page.member-joined', { pageId: 'nope', extension: '1001' })], state)).toBe(state);
    state = fold([msg('page.ended', page('p1', { phase: 'ended', endReason: 'stopped' }))], state);
    expect(Object.keys(state.pages)).toEqual(['p0']);
    expect(Object.keys(fold([msg('snapshot', { pages: null })], state).pages)).toEqual([]);
  });

  it('my page: ringing me until live; stopping until page.ended; a failed stop says why', () => {
    let state = fold([{ type: 'page-answered', page: page('p1', { phase: 'starting' }) }], configured);
    state = fold([msg('page.started', page('p1'))], state);
    expect(state.pages.p1!.phase).toBe('live');
    state = fold(
      [
        { type: 'stop-requested', pageId: 'p1' },
        { type: 'stop-requested', pageId: 'p1' },
      ],
      state,
    );
    expect(state.stopping).toEqual(['p1']);
    const failed = fold([{ type: 'stop-failed', pageId: 'p1', message: 'forbidden' }], state);
    expect(failed).toMatchObject({ stopping: [], error: 'forbidden' });
    state = fold(
      [{ type: 'stop-answered', pageId: 'p1' }, msg('page.ended', page('p1', { phase: 'ended' }))],
      state,
    );
    expect(state).toMatchObject({ pages: {}, mine: null, stopping: [] });
    expect(fold([{ type: 'reset' }], state)).toBe(initialPagingState);
  });
});
