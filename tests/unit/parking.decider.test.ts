import { describe, expect, it } from 'vitest';
import type { ChannelInfo, PbxFact } from '../../controller/ari/pbx.facts.js';
import { evolve, nextDeadline } from '../../controller/features/parking/park-state.js';
import { decide } from '../../controller/features/parking/parking.decider.js';
import type {
  NewPark,
  ParkEffect,
  ParkInput,
  ParkState,
} from '../../controller/features/parking/parking.types.js';

const t0 = new Date('2026-01-01T10:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const caller = { number: '1001', name: 'Alice', userId: 'u1' };
const parker = { number: '1002', name: 'Bob', userId: 'u2' };
const operator = { number: '1000', name: 'Operator', userId: 'u0' };
const BRIDGE = 'park-701-p1';

const channel = (id: string, state: ChannelInfo['state'] = 'Up'): ChannelInfo => ({
  id,
  name: `PJSIP/${id}-00000001`,
  state,
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-internal', exten: 's' },
  createdAt: t0.toISOString(),
});
const fact = (f: PbxFact): ParkInput => ({ kind: 'fact', fact: f });
const entered = (id: string, bridgeId = BRIDGE): ParkInput =>
  fact({
    kind: 'channel-entered-bridge',
    channel: channel(id),
    bridge: {
      id: bridgeId,
      name: 'park-701',
      type: 'holding',
      technology: 'holding_bridge',
      channelIds: [id],
    },
  });
const left = (id: string, bridgeId = BRIDGE): ParkInput =>
  fact({
    kind: 'channel-left-bridge',
    channel: channel(id),
    bridge: { id: bridgeId, name: 'park-701', type: 'holding', technology: 'holding_bridge', channelIds: [] },
  });
const finished = (playbackId: string): ParkInput =>
  fact({ kind: 'playback-finished', playbackId, targetUri: '', state: 'done' });
const hangupRequested = (id: string): ParkInput =>
  fact({ kind: 'channel-hangup-requested', channel: channel(id), cause: {} });

function request(overrides: Partial<NewPark> = {}): NewPark {
  return {
    id: 'p1',
    slot: '701',
    channelId: 'C',
    channelUp: true,
    caller,
    parker,
    via: 'blind-transfer',
    timeoutSeconds: 300,
    ringSeconds: 20,
    announcer: { channelId: 'T', mode: 'transfer' },
    fromCall: { callId: 'call1', bridgeId: 'call1-bridge', releaseChannelIds: ['T', 'C'] },
    ...overrides,
  };
}

/** Runs inputs in order from no park, folding each decision; returns the last decision and the park. */
function run(steps: [ParkInput, Date][]) {
  let state: ParkState | undefined;
  let last = decide(steps[0]![0], undefined, steps[0]![1]);
  for (const [i, [input, now]] of steps.entries()) {
    last = decide(input, state, now);
    for (const event of last.events) state = evolve(state, event);
    if (i === steps.length - 1) break;
  }
  return {
    ...last,
    state: state!,
    kinds: last.events.map((e) => e.kind),
    effectKinds: last.effects.map((e) => e.kind),
  };
}

const parkInput = (overrides: Partial<NewPark> = {}): [ParkInput, Date] => [
  { kind: 'park', park: request(overrides) },
  at(0),
];
const tick = (parkerTargets: string[], fallback?: string[]): ParkInput => ({
  kind: 'tick',
  parkerTargets: parkerTargets.map((endpoint) => ({ endpoint })),
  fallback: fallback ? { person: operator, targets: fallback.map((endpoint) => ({ endpoint })) } : null,
});
const parked = (overrides: Partial<NewPark> = {}): [ParkInput, Date][] => [
  parkInput(overrides),
  [entered('C'), at(0.1)],
  [finished('park-p1-slot'), at(2.5)],
];

describe('parking decider: starting a park', () => {
  const cases: { name: string; given: Partial<NewPark>; then: ParkEffect[] }[] = [
    {
      name: 'blind transfer: NOTIFY 100, the transferee on hold in park-701, the transferer hears 7-0-1 (then a second of silence, so the phone plays the last digit out), legs released',
      given: {},
      then: [
        { kind: 'transfer-progress', channelId: 'T', state: 'channel_progress' },
        { kind: 'create-bridge', bridgeId: BRIDGE, name: 'park-701' },
        { kind: 'add-to-bridge', bridgeId: BRIDGE, channelIds: ['C'] },
        { kind: 'moh', bridgeId: BRIDGE, on: true },
        {
          kind: 'play',
          playbackId: 'park-p1-slot',
          target: { channelId: 'T' },
          media: ['sound:digits/7', 'sound:digits/0', 'sound:digits/1', 'sound:silence/1'],
        },
        { kind: 'release-from-call', callId: 'call1', channelIds: ['T', 'C'] },
      ],
    },
    {
      name: 'API: no announcement; the old call bridge goes once the parked leg is released',
      given: {
        via: 'api',
        announcer: null,
        fromCall: { callId: 'call1', bridgeId: 'call1-bridge', releaseChannelIds: ['C'] },
      },
      then: [
        { kind: 'create-bridge', bridgeId: BRIDGE, name: 'park-701' },
        { kind: 'add-to-bridge', bridgeId: BRIDGE, channelIds: ['C'] },
        { kind: 'moh', bridgeId: BRIDGE, on: true },
        { kind: 'release-from-call', callId: 'call1', channelIds: ['C'] },
        { kind: 'destroy-bridge', bridgeId: 'call1-bridge' },
      ],
    },
    {
      name: 'dialled 700: answered, hears its slot first (not yet on hold)',
      given: { via: 'self', channelUp: false, announcer: { channelId: 'C', mode: 'self' }, fromCall: null },
      then: [
        { kind: 'answer', channelId: 'C' },
        { kind: 'create-bridge', bridgeId: BRIDGE, name: 'park-701' },
        {
          kind: 'play',
          playbackId: 'park-p1-slot',
          target: { channelId: 'C' },
          media: ['sound:digits/7', 'sound:digits/0', 'sound:digits/1'],
        },
      ],
    },
  ];
  it.each(cases)('$name', ({ given, then }) => {
    const result = run([parkInput(given)]);
    expect(result.kinds[0]).toBe('park-started');
    expect(result.effects).toEqual(then);
    expect(result.state).toMatchObject({ stage: 'parking', slot: '701', timeoutAt: at(300).toISOString() });
  });
});

describe('parking decider: what Asterisk confirms', () => {
  it('the channel entering the slot bridge is the park (call.parked) and lights the BLF', () => {
    const result = run([parkInput(), [entered('C'), at(0.1)]]);
    expect(result.kinds).toEqual(['parked']);
    expect(result.effects).toEqual([{ kind: 'device-state', slot: '701', state: 'INUSE' }]);
    expect(result.state).toMatchObject({ stage: 'parked', inBridge: true, parkedAt: at(0.1).toISOString() });
  });

  it.each([
    ['transfer', [{ kind: 'transfer-progress', channelId: 'T', state: 'channel_answered' }]],
    ['code', [{ kind: 'hangup', channelId: 'T', reason: 'normal' }]],
  ] as const)(
    'after the announcement a %s parker is released and the old call bridge destroyed',
    (mode, release) => {
      const result = run([
        parkInput({ announcer: { channelId: 'T', mode } }),
        [entered('C'), at(0.1)],
        [finished('park-p1-slot'), at(2)],
      ]);
      expect(result.effects).toEqual([...release, { kind: 'destroy-bridge', bridgeId: 'call1-bridge' }]);
    },
  );

  it.each([
    ['transfer', { kind: 'transfer-progress', channelId: 'T', state: 'channel_answered' }],
    ['code', { kind: 'hangup', channelId: 'T', reason: 'normal' }],
  ] as const)(
    'a %s parker whose announcement never reports its end is released at the safety timeout (10 s), not before',
    (mode, release) => {
      const steps: [ParkInput, Date][] = [
        parkInput({ announcer: { channelId: 'T', mode } }),
        [entered('C'), at(0.1)],
      ];
      expect(run(steps).state.announcer?.deadline).toBe(at(10).toISOString());
      expect(nextDeadline(run(steps).state)).toBe(at(10).toISOString());
      expect(run([...steps, [tick([]), at(9.9)]]).effects).toEqual([]);
      const result = run([...steps, [tick([]), at(10)]]);
      expect(result.kinds).toEqual(['announcer-done', 'call-bridge-released']);
      expect(result.effects).toEqual([release, { kind: 'destroy-bridge', bridgeId: 'call1-bridge' }]);
      expect(nextDeadline(result.state)).toBe(at(300).toISOString());
      // A PlaybackFinished arriving after that changes nothing.
      expect(run([...steps, [tick([]), at(10)], [finished('park-p1-slot'), at(11)]]).effects).toEqual([]);
    },
  );

  it('a self-parked channel goes on hold once it heard its slot', () => {
    const self = {
      via: 'self' as const,
      announcer: { channelId: 'C', mode: 'self' as const },
      fromCall: null,
    };
    const result = run([parkInput(self), [finished('park-p1-slot'), at(2)]]);
    expect(result.effects).toEqual([
      { kind: 'add-to-bridge', bridgeId: BRIDGE, channelIds: ['C'] },
      { kind: 'moh', bridgeId: BRIDGE, on: true },
    ]);
  });

  it('the parked caller hanging up frees the slot at once (park.abandoned)', () => {
    const result = run([...parked(), [hangupRequested('C'), at(10)]]);
    expect(result.kinds).toEqual(['abandoned']);
    expect(result.effects).toEqual([
      { kind: 'destroy-bridge', bridgeId: BRIDGE },
      { kind: 'device-state', slot: '701', state: 'NOT_INUSE' },
    ]);
    expect(result.state).toMatchObject({ stage: 'done', endReason: 'caller-hung-up' });
  });
});

describe('parking decider: pick-up', () => {
  it('dialling the slot hands the parked call over; leaving the slot bridge is call.unparked', () => {
    const by = { number: '1003', name: 'Carol', userId: 'u3' };
    const handed = run([
      ...parked(),
      [{ kind: 'retrieve-by-dial', channelId: 'R', endpoint: 'PJSIP/1003', by }, at(5)],
    ]);
    expect(handed.kinds).toEqual(['handing-over']);
    expect(handed.effects).toEqual([
      {
        kind: 'hand-over',
        slot: '701',
        parked: { channelId: 'C', person: caller },
        to: { channelId: 'R', endpoint: 'PJSIP/1003', person: by, up: false },
      },
    ]);
    const done = run([
      ...parked(),
      [{ kind: 'retrieve-by-dial', channelId: 'R', endpoint: '', by }, at(5)],
      [left('C'), at(5.1)],
    ]);
    expect(done.kinds).toEqual(['left-bridge', 'unparked']);
    expect(done.state).toMatchObject({
      stage: 'done',
      endReason: 'retrieved',
      handover: { to: by, via: 'dial' },
    });
    expect(done.effects).toContainEqual({ kind: 'device-state', slot: '701', state: 'NOT_INUSE' });
  });

  it('dialling a slot whose park is not on hold yet plays the empty-slot prompt', () => {
    const result = run([
      parkInput(),
      [{ kind: 'retrieve-by-dial', channelId: 'R', endpoint: '', by: caller }, at(0.05)],
    ]);
    expect(result.effects).toEqual([
      { kind: 'prompt-and-hangup', channelId: 'R', media: ['sound:pbx-invalidpark'] },
    ]);
  });
});

describe('parking decider: timeout and recall', () => {
  it('no deadline passed: nothing; the next deadline is the park timeout', () => {
    const result = run([...parked(), [tick(['PJSIP/1002']), at(299)]]);
    expect(result.events).toEqual([]);
    expect(nextDeadline(result.state)).toBe(at(300).toISOString());
  });

  it('at the timeout the parker is rung with "Park 701: <caller>" (park.timeout)', () => {
    const result = run([...parked(), [tick(['PJSIP/1002', 'PJSIP/1002-web']), at(300)]]);
    expect(result.kinds).toEqual(['timed-out', 'ring-started']);
    expect(result.effects).toEqual(
      ['PJSIP/1002', 'PJSIP/1002-web'].map((endpoint, i) => ({
        kind: 'create-channel',
        request: {
          channelId: `p1-r${i + 1}`,
          endpoint,
          appArgs: 'park:p1:leg',
          callerId: { name: 'Park 701: Alice', number: '1001' },
          variables: { 'PJSIP_TRANSFER_HANDLING()': 'ari-only' },
        },
      })),
    );
    expect(nextDeadline(result.state)).toBe(at(320).toISOString());
  });

  it('the recall answered: the other device stops and the parked call goes to the parker', () => {
    const result = run([
      ...parked(),
      [tick(['PJSIP/1002', 'PJSIP/1002-web']), at(300)],
      [
        fact({ kind: 'channel-entered', channel: channel('p1-r1', 'Down'), args: ['park:p1:leg'] }),
        at(300.01),
      ],
      [fact({ kind: 'dial-progress', peer: channel('p1-r1'), status: 'ANSWER' }), at(303)],
    ]);
    expect(result.kinds).toEqual(['ring-leg', 'ring-leg-hangup-sent', 'ring-ended', 'handing-over']);
    expect(result.effects).toEqual([
      { kind: 'hangup', channelId: 'p1-r2', reason: 'normal' },
      {
        kind: 'hand-over',
        slot: '701',
        parked: { channelId: 'C', person: caller },
        to: { channelId: 'p1-r1', endpoint: 'PJSIP/1002', person: parker, up: true },
      },
    ]);
    expect(result.state.handover).toMatchObject({ via: 'recall' });
  });

  it('the parker does not answer within the ring time: the fallback is rung', () => {
    const result = run([
      ...parked(),
      [tick(['PJSIP/1002'], ['PJSIP/1000']), at(300)],
      [tick(['PJSIP/1002'], ['PJSIP/1000']), at(320)],
    ]);
    expect(result.kinds).toEqual(['ring-leg-hangup-sent', 'ring-ended', 'ring-started']);
    expect(result.state.ring).toMatchObject({ purpose: 'fallback', to: operator });
  });

  it('nobody to ring (parker unreachable, no fallback): goodbye, then the parked call is hung up', () => {
    const closing = run([...parked(), [tick([]), at(300)]]);
    expect(closing.kinds).toEqual(['timed-out', 'closing']);
    expect(closing.effects).toEqual([
      { kind: 'moh', bridgeId: BRIDGE, on: false },
      {
        kind: 'play',
        playbackId: 'park-p1-goodbye',
        target: { channelId: 'C' },
        media: ['sound:vm-goodbye', 'sound:silence/1'],
      },
    ]);
    const hungUp = run([...parked(), [tick([]), at(300)], [finished('park-p1-goodbye'), at(301)]]);
    expect(hungUp.effects).toEqual([{ kind: 'hangup', channelId: 'C', reason: 'normal' }]);
    const ended = run([
      ...parked(),
      [tick([]), at(300)],
      [finished('park-p1-goodbye'), at(301)],
      [hangupRequested('C'), at(301.1)],
    ]);
    expect(ended.state).toMatchObject({ stage: 'done', endReason: 'recall-failed' });
  });

  it('a pick-up while the recall rings wins: the recall stops', () => {
    const by = { number: '1003', name: 'Carol', userId: 'u3' };
    const result = run([
      ...parked(),
      [tick(['PJSIP/1002']), at(300)],
      [{ kind: 'retrieve-by-dial', channelId: 'R', endpoint: '', by }, at(301)],
    ]);
    expect(result.kinds).toEqual(['ring-leg-hangup-sent', 'ring-ended', 'handing-over']);
    expect(result.effects[0]).toEqual({ kind: 'hangup', channelId: 'p1-r1', reason: 'normal' });
  });
});

describe('parking decider: attended transfer and reconnects', () => {
  it('REFER with Replaces: the transferee takes the consultation leg’s place; both transferer legs hang up', () => {
    const self = {
      via: 'self' as const,
      announcer: { channelId: 'B', mode: 'self' as const },
      fromCall: null,
      channelId: 'B',
      caller: parker,
    };
    const result = run([
      parkInput(self),
      [
        {
          kind: 'replace',
          channelId: 'C',
          caller,
          transfererChannelId: 'A1',
          fromCall: { callId: 'call1', bridgeId: 'call1-bridge', releaseChannelIds: ['A1', 'C'] },
        },
        at(3),
      ],
    ]);
    expect(result.kinds).toEqual(['caller-replaced']);
    expect(result.effects).toEqual([
      { kind: 'add-to-bridge', bridgeId: BRIDGE, channelIds: ['C'] },
      { kind: 'moh', bridgeId: BRIDGE, on: true },
      { kind: 'release-from-call', callId: 'call1', channelIds: ['A1', 'C'] },
      { kind: 'transfer-progress', channelId: 'A1', state: 'channel_answered' },
      { kind: 'hangup', channelId: 'B', reason: 'normal' },
      { kind: 'hangup', channelId: 'A1', reason: 'normal' },
      { kind: 'destroy-bridge', bridgeId: 'call1-bridge' },
    ]);
    expect(result.state).toMatchObject({ channelId: 'C', caller, inBridge: false, announcer: null });
  });

  it.each([
    ['the parked channel vanished', [], [], ['abandoned']],
    [
      'still held in its bridge',
      ['C'],
      [{ id: BRIDGE, name: 'park-701', type: 'holding', technology: 'holding_bridge', channelIds: ['C'] }],
      [],
    ],
  ] as const)('reconcile: %s', (_name, channelIds, bridges, kinds) => {
    const result = run([
      ...parked(),
      [
        {
          kind: 'reconcile',
          channelIds: [...channelIds],
          bridges: bridges.map((b) => ({ ...b, channelIds: [...b.channelIds] })),
        },
        at(60),
      ],
    ]);
    expect(result.kinds).toEqual(kinds);
    if (kinds.length === 0)
      expect(result.effects).toEqual([{ kind: 'device-state', slot: '701', state: 'INUSE' }]);
    else expect(result.state.endReason).toBe('vanished');
  });
});

describe('parking decider: what a reconnect finds half done', () => {
  const held = [
    { id: BRIDGE, name: 'park-701', type: 'holding', technology: 'holding_bridge', channelIds: ['C'] },
  ];
  const reconcile = (channelIds: string[], bridges = held): [ParkInput, Date] => [
    { kind: 'reconcile', channelIds, bridges },
    at(60),
  ];
  const by = { number: '1003', name: 'Carol', userId: 'u3' };

  it('an announcement that ended unseen is finished: the transferer gets channel_answered', () => {
    const result = run([parkInput(), [entered('C'), at(0.1)], reconcile(['C', 'T'])]);
    expect(result.effects).toContainEqual({
      kind: 'transfer-progress',
      channelId: 'T',
      state: 'channel_answered',
    });
    expect(result.state.announcer).toBeNull();
  });

  it('a self-parked channel whose announcement ended unseen goes on hold', () => {
    const self = {
      via: 'self' as const,
      announcer: { channelId: 'C', mode: 'self' as const },
      fromCall: null,
    };
    const result = run([parkInput(self), reconcile(['C'], [])]);
    expect(result.effects.slice(0, 2)).toEqual([
      { kind: 'add-to-bridge', bridgeId: BRIDGE, channelIds: ['C'] },
      { kind: 'moh', bridgeId: BRIDGE, on: true },
    ]);
    expect(result.kinds).not.toContain('rebridge');
  });

  it('a goodbye that ended unseen: the parked call is hung up', () => {
    const result = run([...parked(), [tick([]), at(300)], reconcile(['C'])]);
    expect(result.effects).toEqual([{ kind: 'hangup', channelId: 'C', reason: 'normal' }]);
  });

  it('a hand-over that never happened (still in the slot bridge): back to parked', () => {
    const result = run([
      ...parked(),
      [{ kind: 'retrieve-by-dial', channelId: 'R', endpoint: '', by }, at(5)],
      reconcile(['C']),
    ]);
    expect(result.kinds).toEqual(['handover-failed']);
    expect(result.state.stage).toBe('parked');
  });
});
