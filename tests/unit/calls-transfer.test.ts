import { describe, expect, it } from 'vitest';
import type { ChannelInfo, PbxFact } from '../../controller/ari/pbx.facts.js';
import { evolve } from '../../controller/features/calls/call-state.js';
import { blindTargetOf, planTransfer } from '../../controller/features/calls/call-transfer.js';
import type {
  CallEffect,
  CallInput,
  CallState,
  CallTransfer,
  Destination,
  Person,
} from '../../controller/features/calls/call.types.js';
import { decide } from '../../controller/features/calls/calls.decider.js';

/** Transfers between ordinary calls as pure decisions: the plan of a REFER, where a blind one may go, both calls. */
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const now = (seconds = 0) => new Date(T0 + seconds * 1000);

const alice: Person = { number: '1001', name: 'Alice', userId: 'u-alice' };
const bob: Person = { number: '1002', name: 'Bob', userId: 'u-bob' };
const carol: Person = { number: '1003', name: 'Carol', userId: 'u-carol' };

const channel = (
  id: string,
  state: ChannelInfo['state'] = 'Up',
  name = `PJSIP/${id}-00000001`,
): ChannelInfo => ({
  id,
  name,
  state,
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-internal', exten: 's' },
  createdAt: now().toISOString(),
});
const fact = (f: PbxFact): CallInput => ({ kind: 'fact', fact: f });
const up = (id: string) => fact({ kind: 'channel-state-changed', channel: channel(id) });
const entered = (id: string, callId: string) =>
  fact({ kind: 'channel-entered', channel: channel(id, 'Up'), args: [`call:${callId}:leg`] });
const inBridge = (id: string, bridgeId: string) =>
  fact({
    kind: 'channel-entered-bridge',
    channel: channel(id),
    bridge: { id: bridgeId, name: '', type: 'mixing', technology: '', channelIds: [] },
  });
const ringing = (id: string) => fact({ kind: 'channel-state-changed', channel: channel(id, 'Ringing') });
const bye = (id: string) => fact({ kind: 'channel-hangup-requested', channel: channel(id), cause: {} });
const left = (id: string) => fact({ kind: 'channel-left', channel: channel(id) });

function run(inputs: CallInput[], state?: CallState) {
  let effects: CallEffect[] = [];
  let events: string[] = [];
  for (const input of inputs) {
    const decision = decide(input, state, now());
    state = decision.events.reduce<CallState | undefined>(evolve, state);
    effects = decision.effects;
    events = decision.events.map((e) => e.kind);
  }
  return { state: state!, effects, events };
}

const user = (person: Person): Destination => ({
  kind: 'user',
  user: person,
  targets: [{ endpoint: `PJSIP/${person.number}` }],
});
/** `caller` (channel `in-<id>`) calls `callee`, whose leg `<id>-1` answers; both in `<id>-bridge`. */
function talkingCall(id: string, caller: Person, callee: Person, endpoint = `PJSIP/${caller.number}`) {
  return run([
    {
      kind: 'phone-call',
      callId: id,
      channel: {
        ...channel(`in-${id}`, 'Ring', `${endpoint}-0000000${id.length}`),
        dialplan: { context: 'from-internal', exten: callee.number },
      },
      caller,
      dialled: callee.number,
      destination: user(callee),
      dialTimeoutSeconds: 30,
    },
    up(`${id}-1`),
    entered(`${id}-1`, id),
    inBridge(`in-${id}`, `${id}-bridge`),
    inBridge(`${id}-1`, `${id}-bridge`),
  ]).state;
}
const refer = (transferer: string, extra: Partial<Extract<PbxFact, { kind: 'transfer-requested' }>> = {}) =>
  ({ kind: 'transfer-requested', transfererChannelId: transferer, ...extra }) as Extract<
    PbxFact,
    { kind: 'transfer-requested' }
  >;

describe('planTransfer', () => {
  const call1 = talkingCall('c1', alice, bob);
  it('a blind REFER from the answered side hands the caller on', () => {
    expect(planTransfer(refer('c1-1', { destination: '1003' }), call1, undefined)).toEqual({
      kind: 'blind',
      callId: 'c1',
      transferer: { channelId: 'c1-1', endpoint: 'PJSIP/1002', person: bob },
      transferee: { channelId: 'in-c1', endpoint: 'PJSIP/1001-00000002', person: alice },
      dialled: '1003',
    });
  });
  it.each<[string, Extract<PbxFact, { kind: 'transfer-requested' }>, CallState | undefined, string]>([
    ['no call', refer('c1-1', { destination: '1003' }), undefined, 'refuse'],
    ['a leg the call does not have', refer('other', { destination: '1003' }), call1, 'ignore'],
    ['a blind REFER with no destination', refer('c1-1'), call1, 'refuse'],
    [
      'a transfer already under way (the duplicate)',
      refer('c1-1', { destination: '1003' }),
      { ...call1, transfer: { direction: 'out' } as CallTransfer },
      'ignore',
    ],
    [
      'a call not talking yet',
      refer('in-c1', { destination: '1003' }),
      { ...call1, stage: 'setup' },
      'refuse',
    ],
    [
      'an attended REFER whose consultation leg is in no call',
      refer('c1-1', { replaces: { channelId: 'x' } }),
      call1,
      'refuse',
    ],
  ])('%s: %s', (_title, request, call, expected) => {
    expect(planTransfer(request, call, undefined).kind).toBe(expected);
  });
  it('an outside caller (a trunk channel) never transfers', () => {
    const fromTrunk = talkingCall(
      'c3',
      { number: '+15557770001', name: '', userId: null },
      bob,
      'PJSIP/trunk-t1',
    );
    expect(planTransfer(refer('in-c3', { destination: '1003' }), fromTrunk, undefined)).toEqual({
      kind: 'refuse',
      why: 'an outside caller may not transfer',
    });
  });
  it('an attended REFER: the consultation call answered, or still ringing', () => {
    const call2 = talkingCall('c2', bob, carol);
    expect(planTransfer(refer('c1-1', { replaces: { channelId: 'in-c2' } }), call1, call2)).toMatchObject({
      kind: 'attended',
      consultationId: 'c2',
      replaces: 'in-c2',
      to: '1003',
      transferee: { channelId: 'in-c1' },
    });
    const ringingCall = run([
      {
        kind: 'phone-call',
        callId: 'c4',
        channel: { ...channel('in-c4', 'Ring'), dialplan: { context: 'from-internal', exten: '1003' } },
        caller: bob,
        dialled: '1003',
        destination: user(carol),
        dialTimeoutSeconds: 30,
      },
    ]).state;
    expect(
      planTransfer(refer('c1-1', { replaces: { channelId: 'in-c4' } }), call1, ringingCall),
    ).toMatchObject({
      kind: 'attended',
      to: '1003',
    });
    expect(planTransfer(refer('c1-1', { replaces: { channelId: 'in-c1' } }), call1, call1).kind).toBe(
      'refuse',
    );
  });
});

describe('blindTargetOf', () => {
  it.each([
    ['1003', { kind: 'extension', number: '1003' }],
    ['95551230000', { kind: 'outbound', number: '5551230000', emergency: false }],
    ['+441234567890', { kind: 'outbound', number: '+441234567890', emergency: false }],
    ['112', { kind: 'outbound', number: '112', emergency: true }],
    ['*97', { kind: 'refuse', why: 'a transfer to voicemail is not carried out' }],
    ['801', { kind: 'refuse', why: 'a transfer to page is not carried out' }],
    ['12', { kind: 'refuse', why: 'incomplete number' }],
    ['abc', { kind: 'refuse', why: 'not in the numbering plan' }],
  ])('%s → %o', (dialled, expected) => {
    expect(blindTargetOf(dialled, new Set(['112']))).toEqual(expected);
  });
});

describe('the calls of a blind transfer', () => {
  it('the transferer’s call: the transferee leaves in its bridge for the new call, NOTIFY 200, the transferer goes', () => {
    const call1 = talkingCall('c1', alice, bob);
    const { state, effects } = run(
      [
        {
          kind: 'transfer',
          channelId: 'c1-1',
          target: { kind: 'blind', callId: 'n1', dialled: '1003', destination: user(carol) },
        },
      ],
      call1,
    );
    expect(effects).toEqual([
      {
        kind: 'transfer-call',
        request: {
          callId: 'n1',
          survivor: { channelId: 'in-c1', endpoint: 'PJSIP/1001-00000002', person: alice },
          bridgeId: 'c1-bridge',
          dialled: '1003',
          destination: user(carol),
          transfer: {
            direction: 'in',
            kind: 'blind',
            by: bob,
            to: '1003',
            callId: 'c1',
            at: now().toISOString(),
          },
        },
      },
      { kind: 'transfer-progress', channelId: 'c1-1', state: 'channel_answered' },
      { kind: 'hangup', channelId: 'c1-1', reason: 'normal' },
    ]);
    expect(state).toMatchObject({ stage: 'ending', disposition: 'transferred', bridgeId: null });
    const ended = run([left('c1-1')], state);
    expect(ended.state.stage).toBe('ended');
    expect(ended.effects).toContainEqual(
      expect.objectContaining({
        kind: 'write-call-log',
        log: expect.objectContaining({
          disposition: 'transferred',
          transfer: { by: '1002', to: '1003', kind: 'blind', callId: 'n1' },
        }),
      }),
    );
    // The bridge is the new call's: the transferer's call does not destroy it.
    expect(ended.effects.some((e) => e.kind === 'destroy-bridge')).toBe(false);
  });

  it('refused: NOTIFY 603 and the call goes on (its transferer marked for the ring-back)', () => {
    const call1 = talkingCall('c1', alice, bob);
    const { state, effects } = run(
      [{ kind: 'transfer', channelId: 'c1-1', target: { kind: 'refuse', why: 'no' } }],
      call1,
    );
    expect(effects).toEqual([{ kind: 'transfer-progress', channelId: 'c1-1', state: 'channel_declined' }]);
    expect(state.stage).toBe('talking');
    expect(state.legs.find((l) => l.id === 'c1-1')?.transferRefusedAt).toBe(now().toISOString());
  });

  it('the new call: the transferee (up, in its bridge) hears ringback and the target rings showing the transferee', () => {
    const transfer: CallTransfer = {
      direction: 'in',
      kind: 'blind',
      by: bob,
      to: '1003',
      callId: 'c1',
      at: now().toISOString(),
    };
    const { state, effects } = run([
      {
        kind: 'transfer-call',
        callId: 'n1',
        survivor: { channelId: 'in-c1', endpoint: 'PJSIP/1001', person: alice },
        bridgeId: 'c1-bridge',
        dialled: '1003',
        destination: user(carol),
        dialTimeoutSeconds: 30,
        transfer,
      },
    ]);
    expect(effects).toContainEqual({
      kind: 'play',
      playbackId: 'n1-ringback',
      channelId: 'in-c1',
      media: ['tone:ring'],
    });
    expect(effects).toContainEqual(
      expect.objectContaining({
        kind: 'originate',
        request: expect.objectContaining({
          endpoint: 'PJSIP/1003',
          callerId: { name: 'Alice', number: '1001' },
        }),
      }),
    );
    expect(state).toMatchObject({ caller: alice, bridgeId: 'c1-bridge', transfer });
    const answered = run([up('n1-1'), entered('n1-1', 'n1')], state);
    expect(answered.effects).toContainEqual({
      kind: 'add-to-bridge',
      bridgeId: 'c1-bridge',
      channelIds: ['n1-1'],
    });
  });
});

describe('the consultation call of an attended transfer', () => {
  const transfer: CallTransfer = {
    direction: 'in',
    kind: 'attended',
    by: bob,
    to: '1003',
    callId: 'c1',
    at: now().toISOString(),
  };
  const takeOver = (replaces: string): CallInput => ({
    kind: 'take-over',
    survivor: { channelId: 'in-c1', endpoint: 'PJSIP/1001', person: alice },
    bridgeId: 'c1-bridge',
    replaces,
    transfer,
  });

  it('answered: the transferee moves into its bridge in the transferer’s place, the consultation leg is hung up', () => {
    const call2 = talkingCall('c2', bob, carol);
    const { state, effects, events } = run([takeOver('in-c2')], call2);
    expect(events).toContain('party-replaced');
    expect(effects).toEqual([
      { kind: 'add-to-bridge', bridgeId: 'c2-bridge', channelIds: ['in-c1'] },
      { kind: 'hangup', channelId: 'in-c2', reason: 'normal' },
    ]);
    expect(state).toMatchObject({
      caller: alice,
      aLegId: 'in-c1',
      answeredBy: carol,
      bridgeId: 'c2-bridge',
      transfer,
    });
    const after = run([inBridge('in-c1', 'c2-bridge'), bye('in-c2'), left('in-c2')], state);
    expect(after.state.stage).toBe('talking');
  });

  it('ringing: the transferee takes the caller’s place in its own bridge, hears ringback; the answer joins it there', () => {
    const call2 = run([
      {
        kind: 'phone-call',
        callId: 'c2',
        channel: { ...channel('in-c2', 'Ring'), dialplan: { context: 'from-internal', exten: '1003' } },
        caller: bob,
        dialled: '1003',
        destination: user(carol),
        dialTimeoutSeconds: 30,
      },
      ringing('c2-1'),
    ]).state;
    const { state, effects } = run([takeOver('in-c2')], call2);
    expect(effects).toEqual([
      { kind: 'play', playbackId: 'c2-ringback-in-c1', channelId: 'in-c1', media: ['tone:ring'] },
      { kind: 'hangup', channelId: 'in-c2', reason: 'normal' },
    ]);
    expect(state).toMatchObject({ stage: 'setup', aLegId: 'in-c1', bridgeId: 'c1-bridge' });
    const answered = run([left('in-c2'), up('c2-1'), entered('c2-1', 'c2')], state);
    expect(answered.effects).toContainEqual({
      kind: 'add-to-bridge',
      bridgeId: 'c1-bridge',
      channelIds: ['c2-1'],
    });
    expect(answered.effects).toContainEqual({ kind: 'stop-playback', playbackId: 'c2-ringback-in-c1' });
  });

  it('a consultation leg that is no party of its call is left alone', () => {
    const call2 = talkingCall('c2', bob, carol);
    expect(run([takeOver('nobody')], call2).effects).toEqual([]);
  });

  it('the transferer’s call lets the transferee go: its own bridge, emptied, is its to destroy', () => {
    const call1 = talkingCall('c1', alice, bob);
    const { state, effects } = run(
      [
        {
          kind: 'transfer',
          channelId: 'c1-1',
          target: { kind: 'attended', callId: 'c2', to: '1003', bridgeMoved: true },
        },
      ],
      call1,
    );
    expect(effects).toEqual([
      { kind: 'transfer-progress', channelId: 'c1-1', state: 'channel_answered' },
      { kind: 'hangup', channelId: 'c1-1', reason: 'normal' },
    ]);
    expect(state).toMatchObject({ disposition: 'transferred', bridgeId: 'c1-bridge' });
    expect(run([left('c1-1')], state).effects).toContainEqual({
      kind: 'destroy-bridge',
      bridgeId: 'c1-bridge',
    });
  });
});
