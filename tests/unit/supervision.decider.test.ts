import { describe, expect, it } from 'vitest';
import type { ChannelInfo, PbxFact } from '../../controller/ari/pbx.facts.js';
import { evolve } from '../../controller/features/supervision/session-state.js';
import { decide } from '../../controller/features/supervision/supervision.decider.js';
import type {
  SessionEffect,
  SessionEvent,
  SessionInput,
  SessionState,
  SupervisionStart,
} from '../../controller/features/supervision/supervision.types.js';

const t0 = new Date('2026-01-01T10:00:00.000Z');
const CALL = { callId: 'c1', bridgeId: 'c1-bridge', agentChannelId: 'AGENT', otherChannelId: 'CUST' };
const SUP = 'SUP';
const B1 = 'sv-s1-1';
const S1 = 'sv-s1-1-snoop';
const B2 = 'sv-s1-2';
const S2 = 'sv-s1-2-snoop';
/** The third build of the journeys below (the second was a barge: no bridge of ours, no snoop). */
const B3 = 'sv-s1-4';
const S3 = 'sv-s1-4-snoop';

const channel = (id: string, state: ChannelInfo['state'] = 'Up'): ChannelInfo => ({
  id,
  name: `PJSIP/${id}-00000001`,
  state,
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'default', exten: 's' },
  createdAt: t0.toISOString(),
});
const fact = (f: PbxFact): SessionInput => ({ kind: 'fact', fact: f });
const stasis = (id: string): SessionInput =>
  fact({ kind: 'channel-entered', channel: channel(id), args: ['supervision:s1:snoop'] });
const inBridge = (id: string, bridgeId: string): SessionInput =>
  fact({
    kind: 'channel-entered-bridge',
    channel: channel(id),
    bridge: {
      id: bridgeId,
      name: 'supervision-s1',
      type: 'mixing',
      technology: 'simple_bridge',
      channelIds: [id],
    },
  });
const leaves = (id: string): SessionInput => fact({ kind: 'channel-left', channel: channel(id) });
const dtmf = (digit: string): SessionInput =>
  fact({ kind: 'dtmf-received', channel: channel(SUP), digit, durationMs: 100 });
const finished = (playbackId: string): SessionInput =>
  fact({ kind: 'playback-finished', playbackId, targetUri: `channel:${SUP}`, state: 'done' });

const who = (userId: string, extension: string) => ({ userId, extension, name: extension });
function dialled(overrides: Partial<SupervisionStart> = {}): SupervisionStart {
  return {
    kind: 'start',
    id: 's1',
    mode: 'monitor',
    supervisor: who('u-sup', '1010'),
    target: who('u-agent', '1001'),
    idlePolicy: 'wait',
    call: CALL,
    origin: 'dial',
    channelId: SUP,
    ...overrides,
  } as SupervisionStart;
}

interface Run {
  state: SessionState | undefined;
  /** The effects of each input, in order. */
  effects: SessionEffect[][];
  events: SessionEvent[][];
}

/** Given these inputs in order: the state they leave and what each produced. */
function given(inputs: SessionInput[], from?: SessionState): Run {
  let state = from;
  const run: Run = { state, effects: [], events: [] };
  for (const input of inputs) {
    const decision = decide(input, state, t0);
    for (const event of decision.events) state = evolve(state as SessionState, event);
    run.effects.push(decision.effects);
    run.events.push(decision.events);
  }
  run.state = state;
  return run;
}

/** A monitor (or other mode) path built to the end: the supervisor hears the call. */
const built = (mode: SupervisionStart['mode'] = 'monitor'): SessionInput[] =>
  mode === 'barge'
    ? [dialled({ mode }), inBridge(SUP, CALL.bridgeId)]
    : [dialled({ mode }), stasis(S1), inBridge(S1, B1), inBridge(SUP, B1)];

const kinds = (effects: SessionEffect[]) => effects.map((e) => e.kind);
const allEffects = (run: Run) => run.effects.flat();

describe('building the first path: snoop created → snoop in Stasis → bridged → supervisor moved in', () => {
  it.each<[string, SupervisionStart['mode'], SessionEffect[]]>([
    [
      'monitor: a snoop of the agent, spy=both whisper=none, in a bridge of its own',
      'monitor',
      [
        { kind: 'answer', channelId: SUP },
        { kind: 'create-bridge', bridgeId: B1, name: 'supervision-s1' },
        { kind: 'snoop', snoopId: S1, channelId: 'AGENT', whisper: 'none', appArgs: 'supervision:s1:snoop' },
      ],
    ],
    [
      "whisper: a snoop of the AGENT's channel with whisper=out (heard by the agent's phone only)",
      'whisper',
      [
        { kind: 'answer', channelId: SUP },
        { kind: 'create-bridge', bridgeId: B1, name: 'supervision-s1' },
        { kind: 'snoop', snoopId: S1, channelId: 'AGENT', whisper: 'out', appArgs: 'supervision:s1:snoop' },
      ],
    ],
    [
      "barge: the supervisor joins the call's bridge, nothing built",
      'barge',
      [
        { kind: 'answer', channelId: SUP },
        { kind: 'add-to-bridge', bridgeId: CALL.bridgeId, channelId: SUP },
      ],
    ],
  ])('%s', (_name, mode, effects) => {
    const run = given([dialled({ mode })]);
    expect(run.effects[0]).toEqual(effects);
    expect(run.state?.phase).toBe('building');
  });

  it('the snoop is bridged only after its StasisStart, the supervisor only once the snoop is in the bridge', () => {
    const run = given(built('monitor'));
    expect(run.effects.slice(1)).toEqual([
      [{ kind: 'add-to-bridge', bridgeId: B1, channelId: S1 }],
      [{ kind: 'add-to-bridge', bridgeId: B1, channelId: SUP }],
      [],
    ]);
    expect(run.events[3]).toContainEqual({
      kind: 'switched',
      from: null,
      to: 'monitor',
      at: t0.toISOString(),
    });
    expect(run.state).toMatchObject({ phase: 'active', mode: 'monitor', activeAt: t0.toISOString() });
    expect(run.state?.current).toMatchObject({ mode: 'monitor', bridgeId: B1, snoopId: S1 });
  });

  it('a snoop entering its bridge before its StasisStart was seen does not move the supervisor', () => {
    const run = given([dialled(), inBridge(S1, B1)]);
    expect(run.effects[1]).toEqual([]);
  });
});

describe('switching is make-before-break: the new path is built, the supervisor moves, then the old one goes', () => {
  it.each<[string, SupervisionStart['mode'], SessionInput[], SessionEffect[][], string]>([
    [
      'monitor → whisper (5)',
      'monitor',
      [dtmf('5'), stasis(S2), inBridge(S2, B2), inBridge(SUP, B2)],
      [
        [
          { kind: 'create-bridge', bridgeId: B2, name: 'supervision-s1' },
          { kind: 'snoop', snoopId: S2, channelId: 'AGENT', whisper: 'out', appArgs: 'supervision:s1:snoop' },
        ],
        [{ kind: 'add-to-bridge', bridgeId: B2, channelId: S2 }],
        [{ kind: 'add-to-bridge', bridgeId: B2, channelId: SUP }],
        [
          { kind: 'hangup', channelId: S1 },
          { kind: 'destroy-bridge', bridgeId: B1 },
        ],
      ],
      'whisper',
    ],
    [
      'monitor → barge (6)',
      'monitor',
      [dtmf('6'), inBridge(SUP, CALL.bridgeId)],
      [
        [{ kind: 'add-to-bridge', bridgeId: CALL.bridgeId, channelId: SUP }],
        [
          { kind: 'hangup', channelId: S1 },
          { kind: 'destroy-bridge', bridgeId: B1 },
        ],
      ],
      'barge',
    ],
    [
      'barge → monitor (4): the supervisor leaves the call only once the snoop carries it',
      'barge',
      [dtmf('4'), stasis(S2), inBridge(S2, B2), inBridge(SUP, B2)],
      [
        [
          { kind: 'create-bridge', bridgeId: B2, name: 'supervision-s1' },
          {
            kind: 'snoop',
            snoopId: S2,
            channelId: 'AGENT',
            whisper: 'none',
            appArgs: 'supervision:s1:snoop',
          },
        ],
        [{ kind: 'add-to-bridge', bridgeId: B2, channelId: S2 }],
        [{ kind: 'add-to-bridge', bridgeId: B2, channelId: SUP }],
        [],
      ],
      'monitor',
    ],
    [
      'barge → whisper (PATCH)',
      'barge',
      [{ kind: 'switch', mode: 'whisper' }, stasis(S2), inBridge(S2, B2), inBridge(SUP, B2)],
      [
        [
          { kind: 'create-bridge', bridgeId: B2, name: 'supervision-s1' },
          { kind: 'snoop', snoopId: S2, channelId: 'AGENT', whisper: 'out', appArgs: 'supervision:s1:snoop' },
        ],
        [{ kind: 'add-to-bridge', bridgeId: B2, channelId: S2 }],
        [{ kind: 'add-to-bridge', bridgeId: B2, channelId: SUP }],
        [],
      ],
      'whisper',
    ],
  ])('%s', (_name, mode, inputs, effects, after) => {
    const before = given(built(mode));
    const run = given(inputs, before.state);
    expect(run.effects).toEqual(effects);
    expect(run.state).toMatchObject({ phase: 'active', mode: after, next: null });
    expect(run.state?.current?.mode).toBe(after);
    const changed = run.events.flat().find((e) => e.kind === 'switched');
    expect(changed).toEqual({ kind: 'switched', from: mode, to: after, at: t0.toISOString() });
  });

  it('whisper → monitor (4) and back: the old snoop is hung up only after the supervisor moved', () => {
    const run = given([...built('whisper'), dtmf('4'), stasis(S2), inBridge(S2, B2), inBridge(SUP, B2)]);
    expect(allEffects(run)).toContainEqual({
      kind: 'snoop',
      snoopId: S2,
      channelId: 'AGENT',
      whisper: 'none',
      appArgs: 'supervision:s1:snoop',
    });
    expect(run.effects.at(-1)).toEqual([
      { kind: 'hangup', channelId: S1 },
      { kind: 'destroy-bridge', bridgeId: B1 },
    ]);
    // The old snoop leaving is expected: the session goes on.
    const after = given([leaves(S1)], run.state);
    expect(after.state?.phase).toBe('active');
    expect(after.effects).toEqual([[]]);
  });

  it('a switch asked for during a switch is built once the first is done (the last one asked for wins)', () => {
    const run = given([
      ...built('monitor'),
      dtmf('5'),
      dtmf('6'),
      dtmf('5'),
      dtmf('6'),
      stasis(S2),
      inBridge(S2, B2),
    ]);
    expect(kinds(run.effects.slice(5, 8).flat())).toEqual([]);
    const done = given([inBridge(SUP, B2)], run.state);
    expect(done.effects[0]).toEqual([
      { kind: 'hangup', channelId: S1 },
      { kind: 'destroy-bridge', bridgeId: B1 },
      { kind: 'add-to-bridge', bridgeId: CALL.bridgeId, channelId: SUP },
    ]);
    const barged = given([inBridge(SUP, CALL.bridgeId)], done.state);
    expect(barged.state?.current?.mode).toBe('barge');
    expect(barged.effects[0]).toEqual([
      { kind: 'hangup', channelId: S2 },
      { kind: 'destroy-bridge', bridgeId: B2 },
    ]);
  });

  it('switching to the mode already on does nothing; digits other than 4/5/6/# are ignored', () => {
    const before = given(built('monitor'));
    const run = given([dtmf('4'), { kind: 'switch', mode: 'monitor' }, dtmf('1'), dtmf('*')], before.state);
    expect(run.effects.flat()).toEqual([]);
    expect(run.events.flat()).toEqual([]);
  });

  it('three switches in a row leave one path: everything built before is torn down', () => {
    const run = given([
      ...built('monitor'),
      dtmf('5'),
      stasis(S2),
      inBridge(S2, B2),
      inBridge(SUP, B2),
      dtmf('6'),
      inBridge(SUP, CALL.bridgeId),
      dtmf('4'),
      stasis(S3),
      inBridge(S3, B3),
      inBridge(SUP, B3),
      leaves(S1),
      leaves(S2),
    ]);
    expect(run.state).toMatchObject({ phase: 'active', mode: 'monitor', channels: [SUP, S3], bridges: [B3] });
  });
});

describe('nothing of the supervisor ever reaches the customer, and the call itself is never touched', () => {
  const journeys: [string, SessionInput[]][] = [
    [
      'monitor, whisper, barge, monitor, # ',
      [
        ...built('monitor'),
        dtmf('5'),
        stasis(S2),
        inBridge(S2, B2),
        inBridge(SUP, B2),
        dtmf('6'),
        inBridge(SUP, CALL.bridgeId),
        dtmf('4'),
        stasis(S3),
        inBridge(S3, B3),
        inBridge(SUP, B3),
        dtmf('#'),
      ],
    ],
    ['whisper, then the agent hangs up', [...built('whisper'), leaves('AGENT'), leaves(S1), leaves(SUP)]],
    ['barge, then the customer hangs up', [...built('barge'), leaves('CUST'), leaves(SUP)]],
  ];
  it.each(journeys)('%s', (_name, inputs) => {
    const effects = allEffects(given(inputs));
    for (const e of effects) {
      // A snoop never whispers into the agent's outgoing audio (whisper=in is what the customer would hear).
      if (e.kind === 'snoop') expect(['none', 'out']).toContain(e.whisper);
      if (e.kind === 'snoop') expect(e.channelId).toBe('AGENT');
      if (e.kind === 'hangup') expect(['AGENT', 'CUST']).not.toContain(e.channelId);
      if (e.kind === 'destroy-bridge') expect(e.bridgeId).not.toBe(CALL.bridgeId);
      if (e.kind === 'add-to-bridge' && e.bridgeId === CALL.bridgeId) expect(e.channelId).toBe(SUP);
    }
  });
});

describe('ending: on any party hanging up or on request, every snoop and bridge of the session goes', () => {
  it.each<[string, SessionInput[], SessionEffect[], string]>([
    [
      '# from the supervisor',
      [dtmf('#')],
      [
        { kind: 'destroy-bridge', bridgeId: B1 },
        { kind: 'hangup', channelId: SUP },
        { kind: 'hangup', channelId: S1 },
      ],
      'requested',
    ],
    [
      'DELETE (stop)',
      [{ kind: 'stop' }],
      [
        { kind: 'destroy-bridge', bridgeId: B1 },
        { kind: 'hangup', channelId: SUP },
        { kind: 'hangup', channelId: S1 },
      ],
      'requested',
    ],
    [
      'the supervisor hangs up',
      [leaves(SUP)],
      [
        { kind: 'destroy-bridge', bridgeId: B1 },
        { kind: 'hangup', channelId: S1 },
      ],
      'supervisor-hung-up',
    ],
    [
      'the agent hangs up',
      [leaves('AGENT')],
      [
        { kind: 'destroy-bridge', bridgeId: B1 },
        { kind: 'hangup', channelId: SUP },
        { kind: 'hangup', channelId: S1 },
      ],
      'call-ended',
    ],
    [
      'the customer hangs up',
      [leaves('CUST')],
      [
        { kind: 'destroy-bridge', bridgeId: B1 },
        { kind: 'hangup', channelId: SUP },
        { kind: 'hangup', channelId: S1 },
      ],
      'call-ended',
    ],
    [
      "the snoop ends by itself (the agent's channel went)",
      [leaves(S1)],
      [
        { kind: 'destroy-bridge', bridgeId: B1 },
        { kind: 'hangup', channelId: SUP },
      ],
      'call-ended',
    ],
  ])('%s', (_name, inputs, effects, reason) => {
    const before = given(built('monitor'));
    const run = given(inputs, before.state);
    expect(run.effects[0]).toEqual(effects);
    expect(run.state).toMatchObject({ phase: 'ending', endReason: reason, bridges: [] });
    const rest = run.state!.channels.map(leaves);
    const after = given(rest, run.state);
    expect(after.state?.phase).toBe('ended');
    expect(after.events.flat().filter((e) => e.kind === 'ended')).toHaveLength(1);
  });

  it('barge: ending hangs up only the supervisor, the call bridge stays', () => {
    const before = given(built('barge'));
    const run = given([dtmf('#'), leaves(SUP)], before.state);
    expect(run.effects[0]).toEqual([{ kind: 'hangup', channelId: SUP }]);
    expect(run.state?.phase).toBe('ended');
  });

  it('ending while a switch is being built tears the half-built path down too', () => {
    const before = given([...built('monitor'), dtmf('5')]);
    const run = given([leaves('CUST')], before.state);
    expect(run.effects[0]).toEqual([
      { kind: 'destroy-bridge', bridgeId: B1 },
      { kind: 'destroy-bridge', bridgeId: B2 },
      { kind: 'hangup', channelId: SUP },
      { kind: 'hangup', channelId: S1 },
      { kind: 'hangup', channelId: S2 },
    ]);
    // The new snoop's late StasisStart is not bridged.
    const late = given([stasis(S2)], run.state);
    expect(late.effects).toEqual([[]]);
  });

  it('a reconnect ends the session cleanly (controller-restart): what vanished meanwhile is not hung up', () => {
    const before = given(built('whisper'));
    const run = given(
      [{ kind: 'reconcile', channelIds: [SUP, 'AGENT', 'CUST'], bridges: [{ id: B1, channelIds: [SUP] }] }],
      before.state,
    );
    expect(run.effects[0]).toEqual([
      { kind: 'destroy-bridge', bridgeId: B1 },
      { kind: 'hangup', channelId: SUP },
    ]);
    expect(run.state).toMatchObject({ phase: 'ending', endReason: 'controller-restart' });
  });

  const intact = {
    kind: 'reconcile' as const,
    channelIds: [SUP, S1, 'AGENT', 'CUST'],
    bridges: [
      { id: B1, channelIds: [S1, SUP] },
      { id: CALL.bridgeId, channelIds: ['AGENT', 'CUST'] },
    ],
  };

  it.each(['monitor', 'whisper'] as const)(
    'a %s session intact in Asterisk after a reconnect or a take-over is adopted as it is: nothing done, still active',
    (mode) => {
      const before = given(built(mode));
      const run = given([intact], before.state);
      expect(run.effects).toEqual([[]]);
      expect(run.events).toEqual([[]]);
      expect(run.state).toEqual(before.state);
      // …and it goes on: the agent's call ends, so does the session.
      expect(given([leaves('CUST')], run.state).state).toMatchObject({
        phase: 'ending',
        endReason: 'call-ended',
      });
    },
  );

  it.each<[string, SessionInput[], Partial<typeof intact>]>([
    ['the snoop is not in our bridge', built('monitor'), { bridges: [{ id: B1, channelIds: [SUP] }] }],
    ['our bridge is gone', built('monitor'), { bridges: [] }],
    ['the other party is gone', built('monitor'), { channelIds: [SUP, S1, 'AGENT'] }],
    ['a switch was being built', [...built('monitor'), dtmf('5')], {}],
    [
      'barge (the supervisor in the call’s own bridge)',
      built('barge'),
      { channelIds: [SUP, 'AGENT', 'CUST'] },
    ],
  ])('not intact (%s): ended cleanly as controller-restart', (_name, inputs, asterisk) => {
    const before = given(inputs);
    const run = given([{ ...intact, ...asterisk }], before.state);
    expect(run.state).toMatchObject({ endReason: 'controller-restart' });
    expect(run.effects[0]!.length).toBeGreaterThan(0);
  });

  it('revoked (the rules no longer allow it): everything hung up at once, no prompt, ended as refused', () => {
    const before = given(built('whisper'));
    const refusal = { code: 'supervision-forbidden' as const, reason: 'moved to another team' };
    const run = given([{ kind: 'revoke', refusal }, leaves(SUP), leaves(S1)], before.state);
    expect(run.effects[0]).toEqual([
      { kind: 'destroy-bridge', bridgeId: B1 },
      { kind: 'hangup', channelId: SUP },
      { kind: 'hangup', channelId: S1 },
    ]);
    expect(run.state).toMatchObject({ phase: 'ended', endReason: 'refused', refusal });
  });

  it('after the end nothing more is decided', () => {
    const before = given([...built('monitor'), leaves(SUP), leaves(S1)]);
    expect(before.state?.phase).toBe('ended');
    expect(given([dtmf('5'), { kind: 'stop' }], before.state).effects.flat()).toEqual([]);
  });
});

describe('the agent is idle', () => {
  it('wait: the supervisor hears music until the agent is on a call, then the path is built', () => {
    const run = given([dialled({ call: null, idlePolicy: 'wait' })]);
    expect(run.effects[0]).toEqual([
      { kind: 'answer', channelId: SUP },
      { kind: 'moh', channelId: SUP, on: true },
    ]);
    expect(run.state?.phase).toBe('waiting');
    const called = given(
      [dtmf('5'), { kind: 'call-found', call: CALL }, stasis(S1), inBridge(S1, B1), inBridge(SUP, B1)],
      run.state,
    );
    expect(called.effects[1]).toEqual([
      { kind: 'moh', channelId: SUP, on: false },
      { kind: 'create-bridge', bridgeId: B1, name: 'supervision-s1' },
      { kind: 'snoop', snoopId: S1, channelId: 'AGENT', whisper: 'out', appArgs: 'supervision:s1:snoop' },
    ]);
    expect(called.state).toMatchObject({ phase: 'active', mode: 'whisper' });
  });

  it('wait, then the call is refused (e.g. an admin is on it): a prompt, then the end; nothing bridged', () => {
    const run = given([
      dialled({ call: null }),
      { kind: 'call-found', call: CALL, refusal: { code: 'supervision-forbidden', reason: 'no' } },
    ]);
    expect(run.effects[1]).toEqual([
      { kind: 'moh', channelId: SUP, on: false },
      {
        kind: 'play',
        playbackId: 'sv-s1-prompt-1',
        channelId: SUP,
        media: ['sound:pbx-invalid', 'sound:silence/1'],
      },
    ]);
    const done = given([finished('sv-s1-prompt-1'), leaves(SUP)], run.state);
    expect(done.effects[0]).toEqual([{ kind: 'hangup', channelId: SUP }]);
    expect(done.state).toMatchObject({ phase: 'ended', endReason: 'refused' });
  });

  it('end: the supervisor hears that nobody is available, then the session ends', () => {
    const run = given([dialled({ call: null, idlePolicy: 'end' })]);
    expect(run.effects[0]).toEqual([
      { kind: 'answer', channelId: SUP },
      {
        kind: 'play',
        playbackId: 'sv-s1-prompt-1',
        channelId: SUP,
        media: ['sound:vm-nobodyavail', 'sound:silence/1'],
      },
    ]);
    expect(run.state).toMatchObject({ phase: 'refusing', refusal: { code: 'no-call-to-supervise' } });
    const done = given([finished('sv-s1-prompt-1'), leaves(SUP)], run.state);
    expect(done.state).toMatchObject({ phase: 'ended', endReason: 'no-call' });
  });

  it('the supervisor hangs up while waiting: the end, nothing else', () => {
    const run = given([dialled({ call: null }), leaves(SUP)]);
    expect(run.effects[1]).toEqual([]);
    expect(run.state).toMatchObject({ phase: 'ended', endReason: 'supervisor-hung-up' });
  });
});

describe('refused on the phone: a prompt, then the call ends; the refused hear nothing of the call', () => {
  it('refusal: answer, pbx-invalid, hang up at its end; never a snoop or a bridge', () => {
    const run = given([
      dialled({ refusal: { code: 'supervision-forbidden', reason: 'another team' } }),
      dtmf('6'),
      finished('sv-s1-prompt-1'),
      leaves(SUP),
    ]);
    expect(run.effects).toEqual([
      [
        { kind: 'answer', channelId: SUP },
        {
          kind: 'play',
          playbackId: 'sv-s1-prompt-1',
          channelId: SUP,
          media: ['sound:pbx-invalid', 'sound:silence/1'],
        },
      ],
      [],
      [{ kind: 'hangup', channelId: SUP }],
      [],
    ]);
    expect(run.state).toMatchObject({
      phase: 'ended',
      endReason: 'refused',
      refusal: { code: 'supervision-forbidden' },
    });
  });
});

describe('API start: the supervisor’s devices ring, the first to answer is the supervisor', () => {
  const api = (): SupervisionStart =>
    ({
      ...dialled(),
      origin: 'api',
      endpoints: [
        { channelId: 'L1', endpoint: 'PJSIP/1010' },
        { channelId: 'L2', endpoint: 'PJSIP/1010-web' },
      ],
    }) as SupervisionStart;
  it('legs created, dialled at their StasisStart; the first answer wins and the path is built', () => {
    const run = given([
      api(),
      fact({ kind: 'channel-entered', channel: channel('L1', 'Down'), args: ['supervision:s1:leg'] }),
      fact({ kind: 'channel-entered', channel: channel('L2', 'Down'), args: ['supervision:s1:leg'] }),
      fact({ kind: 'channel-state-changed', channel: channel('L2', 'Up') }),
      leaves('L1'),
    ]);
    expect(run.effects.slice(0, 4)).toEqual([
      [
        { kind: 'create-leg', channelId: 'L1', endpoint: 'PJSIP/1010', appArgs: 'supervision:s1:leg' },
        { kind: 'create-leg', channelId: 'L2', endpoint: 'PJSIP/1010-web', appArgs: 'supervision:s1:leg' },
      ],
      [{ kind: 'dial', channelId: 'L1' }],
      [{ kind: 'dial', channelId: 'L2' }],
      [
        { kind: 'hangup', channelId: 'L1' },
        { kind: 'create-bridge', bridgeId: B1, name: 'supervision-s1' },
        { kind: 'snoop', snoopId: S1, channelId: 'AGENT', whisper: 'none', appArgs: 'supervision:s1:snoop' },
      ],
    ]);
    expect(run.state).toMatchObject({ phase: 'building', supervisorChannelId: 'L2', channels: ['L2', S1] });
  });

  it('no device answers (or none could be rung): the session ends, supervisor-unavailable', () => {
    const run = given([
      api(),
      {
        kind: 'effect-failed',
        effect: { kind: 'create-leg', channelId: 'L1', endpoint: 'PJSIP/1010', appArgs: '' },
        reason: 'unavailable',
      },
      leaves('L2'),
    ]);
    expect(run.state).toMatchObject({ phase: 'ended', endReason: 'supervisor-unavailable' });
  });
});

describe('failed commands', () => {
  it('the snoop cannot be made (the agent just left): the session ends, call-ended', () => {
    const before = given([dialled()]);
    const run = given(
      [
        {
          kind: 'effect-failed',
          effect: { kind: 'snoop', snoopId: S1, channelId: 'AGENT', whisper: 'none', appArgs: '' },
          reason: 'gone',
        },
      ],
      before.state,
    );
    expect(run.effects[0]).toEqual([
      { kind: 'destroy-bridge', bridgeId: B1 },
      { kind: 'hangup', channelId: SUP },
    ]);
    expect(run.state).toMatchObject({ phase: 'ending', endReason: 'call-ended' });
  });
});
