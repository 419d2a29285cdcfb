import { describe, expect, it } from 'vitest';
import type { ChannelInfo, PbxFact } from '../../controller/ari/pbx.facts.js';
import { evolve } from '../../controller/features/calls/call-state.js';
import type { CallEffect, CallInput, CallState, Destination, Person, RingPlan } from '../../controller/features/calls/call.types.js';
import { decide } from '../../controller/features/calls/calls.decider.js';

/** The calls decider running ring plans (call handling): given inputs at given seconds, then what was decided. */
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const alice: Person = { number: '1001', name: 'Alice', userId: 'u-1001' };
const bob: Person = { number: '1002', name: 'Bob', userId: 'u-1002' };
const carol: Person = { number: '1003', name: 'Carol', userId: 'u-1003' };
const channel = (id: string, state: ChannelInfo['state'] = 'Down'): ChannelInfo => ({
  id,
  name: `PJSIP/${id}-00000001`,
  state,
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-internal', exten: 's' },
  createdAt: new Date(T0).toISOString(),
});
const fact = (f: PbxFact): CallInput => ({ kind: 'fact', fact: f });
const up = (id: string) => fact({ kind: 'channel-state-changed', channel: channel(id, 'Up') });
const entered = (id: string) => fact({ kind: 'channel-entered', channel: channel(id), args: ['call:c1:leg'] });
const busy = (id: string) => fact({ kind: 'channel-hangup-requested', channel: channel(id), cause: { cause: 17 } });
const left = (id: string) => fact({ kind: 'channel-left', channel: channel(id) });
const timer: CallInput = { kind: 'dial-timeout' };

const entry = (endpoint: string, startSeconds: number, stopSeconds: number, person = bob) => ({
  endpoint,
  person,
  startSeconds,
  stopSeconds,
});
const carolDest: Destination = {
  kind: 'user',
  user: carol,
  targets: [],
  plan: { entries: [entry('PJSIP/1003', 0, 20, carol)], path: ['1003'] },
};
const call = (plan: RingPlan): CallInput => ({
  kind: 'phone-call',
  callId: 'c1',
  channel: { ...channel('in-1', 'Ring'), dialplan: { context: 'from-internal', exten: '1002' } },
  caller: alice,
  dialled: '1002',
  destination: { kind: 'user', user: bob, targets: [], plan },
  dialTimeoutSeconds: 30,
});
const sequential: RingPlan = {
  entries: [entry('PJSIP/1002', 0, 10), entry('PJSIP/mobile', 10, 25)],
  path: ['1002'],
};

function given(...inputs: [CallInput, number][]) {
  let state: CallState | undefined;
  let last = { effects: [] as CallEffect[] };
  for (const [input, second] of inputs) {
    const decision = decide(input, state, new Date(T0 + second * 1000));
    state = decision.events.reduce<CallState | undefined>(evolve, state);
    last = { effects: decision.effects };
  }
  return { state: state!, ...last };
}
/** What the effects do to phones: `+endpoint` rung, `-leg:reason` hung up, `timer@s`. */
const actions = (effects: CallEffect[]) =>
  effects.flatMap((e) => {
    if (e.kind === 'originate') return [`+${e.request.endpoint}`];
    if (e.kind === 'hangup') return [`-${e.channelId}:${e.reason}`];
    if (e.kind === 'start-timer') return [`timer@${(Date.parse(e.at) - T0) / 1000}`];
    if (e.kind === 'answer') return [`answer:${e.channelId}`];
    return [];
  });

describe('ring plans in the calls decider', () => {
  it.each([
    ['the first step rings, the timer is set for its end', [[call(sequential), 0]], ['+PJSIP/1002', 'timer@10']],
    ['at the timeout: the desk stops, then the mobile rings', [[call(sequential), 0], [timer, 10]], ['-c1-1:normal', '+PJSIP/mobile', 'timer@25']],
    ['the desk busy: the mobile rings at once, its timeout from now', [[call(sequential), 0], [busy('c1-1'), 3]], ['+PJSIP/mobile', 'timer@18']],
    ['the last step timed out and its legs went: nothing more to do', [[call(sequential), 0], [timer, 10], [timer, 25], [left('c1-1'), 25], [left('c1-2'), 25]], []],
    [
      'the mobile answers: the call is answered by it, nothing else rings',
      [[call(sequential), 0], [timer, 10], [up('c1-2'), 12], [entered('c1-2'), 12]],
      ['answer:in-1'],
    ],
    [
      'no answer forward at 5 s: the desk stops, Carol rings',
      [[call({ ...sequential, onNoAnswer: { afterSeconds: 5, destination: carolDest } }), 0], [timer, 5]],
      ['-c1-1:normal', '+PJSIP/1003', 'timer@25'],
    ],
    [
      'busy forward: the only device busy, Carol rings',
      [[call({ entries: [entry('PJSIP/1002', 0, 10)], path: ['1002'], onBusy: carolDest }), 0], [busy('c1-1'), 1]],
      ['+PJSIP/1003', 'timer@21'],
    ],
  ] as [string, [CallInput, number][], string[]][])('%s', (_name, inputs, expected) => {
    expect(actions(given(...inputs).effects)).toEqual(expected);
  });

  it('every step done without an answer: no-answer, the caller hears it', () => {
    const { state } = given([call(sequential), 0], [timer, 10], [left('c1-1'), 10], [timer, 25]);
    expect(state.disposition).toBe('no-answer');
  });

  it('a forward grows the path the call log shows, and the answerer is the forward target', () => {
    const { state } = given(
      [call({ ...sequential, onNoAnswer: { afterSeconds: 5, destination: carolDest } }), 0],
      [timer, 5],
      [up('c1-2'), 6],
      [entered('c1-2'), 6],
    );
    expect(state.ring?.path).toEqual(['1002', '1003']);
    expect(state.answeredBy).toEqual(carol);
  });

  it('a pick-up while ringing: the picker is answered and bridged, the rung device cancelled as answered elsewhere', () => {
    const { effects, state } = given(
      [call(sequential), 0],
      [{ kind: 'pickup', channelId: 'pick-1', endpoint: 'PJSIP/1003', person: carol }, 2],
    );
    expect(actions(effects)).toEqual(['answer:pick-1', '-c1-1:answered-elsewhere', 'answer:in-1']);
    expect(state.answeredBy).toEqual(carol);
    expect(effects).toContainEqual({ kind: 'add-to-bridge', bridgeId: 'c1-bridge', channelIds: ['in-1', 'pick-1'] });
  });
});

describe('handoff in the calls decider', () => {
  const inBridge = (id: string) =>
    fact({
      kind: 'channel-entered-bridge',
      channel: channel(id, 'Up'),
      bridge: { id: 'c1-bridge', name: '', type: 'mixing', technology: '', channelIds: [] },
    });
  const talking: [CallInput, number][] = [
    [call({ entries: [entry('PJSIP/1002', 0, 20)], path: ['1002'] }), 0],
    [up('c1-1'), 1],
    [entered('c1-1'), 1],
    [inBridge('in-1'), 1],
    [inBridge('c1-1'), 1],
  ];
  const handoff: CallInput = { kind: 'handoff', replaces: 'c1-1', endpoint: 'PJSIP/mobile', person: bob, ringSeconds: 20 };

  it.each([
    ['the new device rings for the handoff time', [...talking, [handoff, 5]], ['+PJSIP/mobile', 'timer@25']],
    ['answered: it joins the bridge, the old device is hung up', [...talking, [handoff, 5], [up('c1-2'), 7], [entered('c1-2'), 7]], ['-c1-1:normal']],
    ['not answered in time: the new device stops, the call goes on', [...talking, [handoff, 5], [timer, 25]], ['-c1-2:normal']],
    ['the other party hangs up meanwhile: everything stops', [...talking, [handoff, 5], [left('in-1'), 6]], ['-c1-1:normal', '-c1-2:normal']],
  ] as [string, [CallInput, number][], string[]][])('%s', (_name, inputs, expected) => {
    expect(actions(given(...inputs).effects)).toEqual(expected);
  });

  it('after the handoff the new leg is the call’s answered side; a second handoff is refused while one rings', () => {
    const done = given(...talking, [handoff, 5], [up('c1-2'), 7], [entered('c1-2'), 7]);
    expect(done.state.answeredLegId).toBe('c1-2');
    expect(done.state.handoff).toBeUndefined();
    const twice = given(...talking, [handoff, 5], [{ ...handoff, endpoint: 'PJSIP/1002-web' }, 6]);
    expect(twice.effects).toEqual([]);
  });
});

describe('call screening of an outside target in the calls decider', () => {
  const dtmf = (id: string, digit: string) =>
    fact({ kind: 'dtmf-received', channel: channel(id, 'Up'), digit, durationMs: 100 });
  const mobile = { ...entry('PJSIP/trunk-t1/sip:+4915112345678@carrier', 0, 25), screenSeconds: 15 };
  const plan: RingPlan = { entries: [entry('PJSIP/1002', 0, 25), mobile], path: ['1002'] };
  const answered: [CallInput, number][] = [
    [call(plan), 0],
    [up('c1-2'), 4],
    [entered('c1-2'), 4],
  ];
  /** What the effects play and stop (`play:<channel>:<media…>`, `stop:<playback>`), besides the phone actions. */
  const media = (effects: CallEffect[]) =>
    effects.flatMap((e) => {
      if (e.kind === 'play') return [`play:${e.channelId}:${e.media.join(',')}`];
      if (e.kind === 'stop-playback') return [`stop:${e.playbackId}`];
      return [];
    });

  it('the mobile answers: it hears who calls and the options, the caller is not answered, the desk rings on', () => {
    const { effects, state } = given(...answered);
    expect(media(effects)).toEqual([
      'play:c1-2:sound:followme/call-from,sound:digits/1,sound:digits/0,sound:digits/0,sound:digits/1,sound:followme/options',
    ]);
    expect(actions(effects)).toEqual(['timer@19']);
    expect(state.stage).toBe('setup');
    expect(state.answeredLegId).toBeNull();
  });

  it.each([
    ['1 accepts: the caller is answered, the desk stops as answered elsewhere', [...answered, [dtmf('c1-2', '1'), 6]], ['-c1-1:answered-elsewhere', 'answer:in-1']],
    ['2 rejects: the mobile is hung up, the desk rings on', [...answered, [dtmf('c1-2', '2'), 6]], ['-c1-2:normal']],
    ['other digits change nothing', [...answered, [dtmf('c1-2', '5'), 6]], []],
    ['no digit in 15 s: the mobile is hung up as not answered, the desk rings on', [...answered, [timer, 19]], ['-c1-2:normal', 'timer@25']],
    ['the desk answers meanwhile: the screened mobile is hung up', [...answered, [up('c1-1'), 6], [entered('c1-1'), 6]], ['-c1-2:normal', 'answer:in-1']],
  ] as [string, [CallInput, number][], string[]][])('%s', (_name, inputs, expected) => {
    expect(actions(given(...inputs).effects)).toEqual(expected);
  });

  it('accepted, the mobile wins: the prompt stops and the answerer is the user', () => {
    const { effects, state } = given(...answered, [dtmf('c1-2', '1'), 6]);
    expect(media(effects)).toEqual(['stop:c1-2-screen']);
    expect(state.answeredLegId).toBe('c1-2');
    expect(state.answeredBy).toEqual(bob);
  });

  it('a voicemail that never presses 1 never takes the call: every step done, no answer', () => {
    const { state } = given(...answered, [timer, 19], [left('c1-2'), 19], [timer, 25], [left('c1-1'), 25]);
    expect(state.disposition).toBe('no-answer');
    expect(state.answeredLegId).toBeNull();
  });
});
