import { describe, expect, it } from 'vitest';
import type { ChannelInfo, PbxFact } from '../../controller/ari/pbx.facts.js';
import { REFUSAL_HANG_UP_SECONDS } from '../../controller/features/calls/call-settle.js';
import { evolve } from '../../controller/features/calls/call-state.js';
import type { CallEffect, CallInput, CallState, Person } from '../../controller/features/calls/call.types.js';
import { decide } from '../../controller/features/calls/calls.decider.js';

/** A refused blind transfer whose transferer's phone hangs up by itself: the other party rings it back. */
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

const alice: Person = { number: '1001', name: 'Alice', userId: 'u-alice' };
const bob: Person = { number: '1002', name: 'Bob', userId: 'u-bob' };

const channel = (id: string, state: ChannelInfo['state'] = 'Up'): ChannelInfo => ({
  id,
  name: `PJSIP/${id}-00000001`,
  state,
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-internal', exten: 's' },
  createdAt: at(0).toISOString(),
});
const fact = (f: PbxFact): CallInput => ({ kind: 'fact', fact: f });
const entered = (id: string) =>
  fact({ kind: 'channel-entered', channel: channel(id, 'Down'), args: ['call:c1:leg'] });
const up = (id: string) => fact({ kind: 'channel-state-changed', channel: channel(id) });
const inBridge = (id: string, bridgeId = 'c1-bridge') =>
  fact({
    kind: 'channel-entered-bridge',
    channel: channel(id),
    bridge: { id: bridgeId, name: '', type: 'mixing', technology: '', channelIds: [] },
  });
/** A phone's BYE: a hang-up request with no cause. */
const bye = (id: string) => fact({ kind: 'channel-hangup-requested', channel: channel(id), cause: {} });

/** 1001 (in-1) calls 1002, whose desk leg c1-1 answers; both in the bridge. */
const talking: CallInput[] = [
  {
    kind: 'phone-call',
    callId: 'c1',
    channel: { ...channel('in-1', 'Ring'), dialplan: { context: 'from-internal', exten: '1002' } },
    caller: alice,
    dialled: '1002',
    destination: { kind: 'user', user: bob, targets: [{ endpoint: 'PJSIP/1002' }] },
    dialTimeoutSeconds: 30,
  },
  up('c1-1'),
  entered('c1-1'),
  inBridge('in-1'),
  inBridge('c1-1'),
];

function given(timed: [CallInput, number][]) {
  let state: CallState | undefined;
  let last = { events: [] as string[], effects: [] as CallEffect[] };
  for (const [input, second] of timed) {
    const decision = decide(input, state, at(second));
    state = decision.events.reduce<CallState | undefined>(evolve, state);
    last = { events: decision.events.map((e) => e.kind), effects: decision.effects };
  }
  return { state: state!, ...last };
}
const seconds = (inputs: CallInput[], from = 0): [CallInput, number][] =>
  inputs.map((input, i) => [input, from + i * 0.01]);
const refused = (channelId: string): CallInput => ({ kind: 'transfer-refused', channelId });

describe('a refused transfer, then the transferer’s phone hangs up', () => {
  it('right after: the other party leaves the call in its bridge and rings the transferer back', () => {
    const { effects, state } = given([...seconds(talking), [refused('c1-1'), 5], [bye('c1-1'), 5.004]]);
    expect(effects).toEqual([
      {
        kind: 'ring-back',
        survivor: { channelId: 'in-1', endpoint: 'PJSIP/in-1-00000001', person: alice },
        bridgeId: 'c1-bridge',
        to: bob,
      },
    ]);
    expect(state).toMatchObject({ stage: 'ending', bridgeId: null, disposition: 'answered' });
    expect(state.legs.find((leg) => leg.id === 'in-1')).toMatchObject({ status: 'gone' }); // released, not hung up
  });

  it('the caller refused: the callee rings the caller back', () => {
    const { effects } = given([...seconds(talking), [refused('in-1'), 5], [bye('in-1'), 5.1]]);
    expect(effects).toEqual([
      {
        kind: 'ring-back',
        survivor: { channelId: 'c1-1', endpoint: 'PJSIP/1002', person: bob },
        bridgeId: 'c1-bridge',
        to: alice,
      },
    ]);
  });

  it(`more than ${REFUSAL_HANG_UP_SECONDS} s later it was the user's choice: the call ends as usual`, () => {
    const { effects } = given([
      ...seconds(talking),
      [refused('c1-1'), 5],
      [bye('c1-1'), 5 + REFUSAL_HANG_UP_SECONDS + 0.1],
    ]);
    expect(effects).toEqual([{ kind: 'hangup', channelId: 'in-1', reason: 'normal' }]);
  });

  it('the other party hanging up is not a ring-back', () => {
    const { effects } = given([...seconds(talking), [refused('c1-1'), 5], [bye('in-1'), 5.01]]);
    expect(effects).toEqual([{ kind: 'hangup', channelId: 'c1-1', reason: 'normal' }]);
  });
});

describe('the ring-back call', () => {
  const ringBack: CallInput = {
    kind: 'ring-back',
    callId: 'c2',
    survivor: { channelId: 'in-1', endpoint: 'PJSIP/in-1-00000001', person: alice },
    bridgeId: 'c1-bridge',
    to: bob,
    destination: {
      kind: 'user',
      user: bob,
      targets: [{ endpoint: 'PJSIP/1002' }, { endpoint: 'PJSIP/1002-web' }],
    },
    dialTimeoutSeconds: 30,
  };
  const leg = (id: string) =>
    fact({ kind: 'channel-entered', channel: channel(id, 'Up'), args: ['call:c2:leg'] });

  it('starts with the survivor answered and in its bridge, hearing ringback, the transferer’s devices ringing', () => {
    const { effects, state } = given([[ringBack, 0]]);
    expect(effects.map((e) => e.kind)).toEqual([
      'write-call-log',
      'play',
      'originate',
      'originate',
      'start-timer',
    ]);
    expect(effects[1]).toEqual({
      kind: 'play',
      playbackId: 'c2-ringback',
      channelId: 'in-1',
      media: ['tone:ring'],
    });
    expect(state).toMatchObject({
      stage: 'setup',
      bridgeId: 'c1-bridge',
      aLegId: 'in-1',
      caller: alice,
      dialled: '1002',
    });
    expect(state.legs[0]).toMatchObject({ id: 'in-1', status: 'up', inBridge: true });
  });

  it('the first device to answer joins the survivor’s bridge (no new bridge, no answer of the survivor)', () => {
    const { effects } = given([
      [ringBack, 0],
      [up('c2-2'), 2],
      [leg('c2-2'), 2],
    ]);
    expect(effects).toEqual([
      { kind: 'cancel-timer' },
      { kind: 'stop-playback', playbackId: 'c2-ringback' },
      { kind: 'hangup', channelId: 'c2-1', reason: 'answered-elsewhere' },
      { kind: 'add-to-bridge', bridgeId: 'c1-bridge', channelIds: ['c2-2'] },
      expect.objectContaining({ kind: 'write-call-log' }),
    ]);
    const done = given([
      [ringBack, 0],
      [up('c2-2'), 2],
      [leg('c2-2'), 2],
      [inBridge('c2-2', 'c1-bridge'), 2.1],
    ]);
    expect(done.events).toEqual(['leg-bridged', 'connected']);
  });

  it('nobody answers: the survivor is hung up and the bridge destroyed', () => {
    const { effects } = given([
      [ringBack, 0],
      [{ kind: 'dial-timeout' }, 30],
    ]);
    expect(effects).toEqual(
      expect.arrayContaining([
        { kind: 'hangup', channelId: 'in-1', reason: 'no-answer' },
        { kind: 'hangup', channelId: 'c2-1', reason: 'normal' },
      ]),
    );
    const ended = given([
      [ringBack, 0],
      [{ kind: 'dial-timeout' }, 30],
      [fact({ kind: 'channel-left', channel: channel('c2-1') }), 30.1],
      [fact({ kind: 'channel-left', channel: channel('c2-2') }), 30.1],
      [fact({ kind: 'channel-left', channel: channel('in-1') }), 30.2],
    ]);
    expect(ended.effects).toContainEqual({ kind: 'destroy-bridge', bridgeId: 'c1-bridge' });
  });
});
