import { describe, expect, it } from 'vitest';
import type { ChannelInfo, HangupCause, PbxFact } from '../../controller/ari/pbx.facts.js';
import { evolve } from '../../controller/features/calls/call-state.js';
import type {
  CallEffect,
  CallInput,
  CallState,
  Destination,
  Person,
} from '../../controller/features/calls/call.types.js';
import { decide } from '../../controller/features/calls/calls.decider.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

const alice: Person = { number: '1001', name: 'Alice Liddell', userId: 'u-alice' };
const bob: Person = { number: '1002', name: 'Bob Builder', userId: 'u-bob' };
const bobDest: Destination = {
  kind: 'user',
  user: bob,
  targets: [{ endpoint: 'PJSIP/1002' }, { endpoint: 'PJSIP/1002-web' }],
};
const aliceTargets = [{ endpoint: 'PJSIP/1001' }, { endpoint: 'PJSIP/1001-web' }];

const channel = (id: string, state: ChannelInfo['state'] = 'Down'): ChannelInfo => ({
  id,
  name: `PJSIP/${id}-00000001`,
  state,
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-internal', exten: 's' },
  createdAt: iso(0),
});
const fact = (f: PbxFact): CallInput => ({ kind: 'fact', fact: f });
const entered = (id: string, args = ['call:c1:leg']) =>
  fact({ kind: 'channel-entered', channel: channel(id), args });
const ringing = (id: string) => fact({ kind: 'channel-state-changed', channel: channel(id, 'Ringing') });
const up = (id: string) => fact({ kind: 'channel-state-changed', channel: channel(id, 'Up') });
const hangupRequested = (id: string, cause: HangupCause = {}) =>
  fact({ kind: 'channel-hangup-requested', channel: channel(id, 'Up'), cause });
const left = (id: string) => fact({ kind: 'channel-left', channel: channel(id) });
const inBridge = (id: string, bridgeId = 'c1-bridge') =>
  fact({
    kind: 'channel-entered-bridge',
    channel: channel(id, 'Up'),
    bridge: { id: bridgeId, name: '', type: 'mixing', technology: '', channelIds: [] },
  });
const unavailable = (channelId: string): CallInput => ({
  kind: 'effect-failed',
  reason: 'unavailable',
  effect: { kind: 'create-channel', request: { channelId, endpoint: 'PJSIP/x', appArgs: 'call:c1:leg' } },
});

const phoneCall = (destination: Destination = bobDest): CallInput => ({
  kind: 'phone-call',
  callId: 'c1',
  channel: { ...channel('in-1', 'Ring'), dialplan: { context: 'from-internal', exten: '1002' } },
  caller: alice,
  dialled: '1002',
  destination,
  dialTimeoutSeconds: 30,
});
const clickToCall: CallInput = {
  kind: 'click-to-call',
  callId: 'c1',
  caller: alice,
  originTargets: aliceTargets,
  dialled: '1002',
  destination: bobDest,
  dialTimeoutSeconds: 30,
};

/** Given these inputs (at 0 s, 1 s, 2 s …), returns the call and what the last input decided. */
function given(...inputs: CallInput[]) {
  let state: CallState | undefined;
  let last = { events: [] as string[], effects: [] as CallEffect[] };
  inputs.forEach((input, second) => {
    const decision = decide(input, state, at(second));
    state = decision.events.reduce<CallState | undefined>(evolve, state);
    last = { events: decision.events.map((e) => e.kind), effects: decision.effects };
  });
  return { state: state!, ...last };
}
const kinds = (effects: CallEffect[]) => effects.map((e) => e.kind);
const hangups = (effects: CallEffect[]) =>
  effects.flatMap((e) => (e.kind === 'hangup' ? [`${e.channelId}:${e.reason}`] : []));
const logOf = (effects: CallEffect[]) => effects.find((e) => e.kind === 'write-call-log')?.log;

/** Callee legs are originated: they ring at once, and enter Stasis once answered (Up, then StasisStart). */
const ringingCall = [phoneCall(), ringing('c1-1'), ringing('c1-2')];
const answered = [...ringingCall, up('c1-2'), entered('c1-2')];
const talkingCall = [...answered, inBridge('in-1'), inBridge('c1-2')];

describe('a phone dials an extension', () => {
  it('originates one leg per device with the caller ID and transfer handling first, and answers nothing yet', () => {
    const { effects, state } = given(phoneCall());
    expect(kinds(effects)).toEqual([
      'write-call-log',
      'originate',
      'originate',
      'start-timer',
      'set-variable',
    ]);
    expect(effects[1]).toEqual({
      kind: 'originate',
      request: {
        channelId: 'c1-1',
        endpoint: 'PJSIP/1002',
        appArgs: 'call:c1:leg',
        callerId: { name: 'Alice Liddell', number: '1001' },
        variables: { 'PJSIP_TRANSFER_HANDLING()': 'ari-only' },
        // Asterisk's own ring timeout only backs the controller's up.
        timeoutSeconds: 32,
      },
    });
    expect(effects[3]).toEqual({ kind: 'start-timer', at: iso(30) });
    expect(effects[4]).toEqual({
      kind: 'set-variable',
      channelId: 'in-1',
      name: 'PJSIP_TRANSFER_HANDLING()',
      value: 'ari-only',
    });
    expect(state.stage).toBe('setup');
    expect(state.legs.filter((leg) => leg.originated)).toHaveLength(2);
  });

  it('an originated leg is never dialled: answered, it is bridged once its StasisStart came', () => {
    expect(given(phoneCall(), ringing('c1-1'), up('c1-1')).effects).toEqual([]);
    expect(kinds(given(phoneCall(), ringing('c1-1'), up('c1-1'), entered('c1-1')).effects)).toContain(
      'add-to-bridge',
    );
    // Asterisk sends Up before StasisStart; a StasisStart first (not answered yet) waits for Up.
    expect(given(phoneCall(), entered('c1-1')).effects).toEqual([]);
    expect(kinds(given(phoneCall(), entered('c1-1'), up('c1-1')).effects)).toContain('add-to-bridge');
  });

  it('sends ringing to the caller once, when the first callee leg rings', () => {
    const first = given(phoneCall(), ringing('c1-1'));
    expect(first.events).toEqual(['leg-ringing', 'ringing']);
    expect(first.effects).toEqual([{ kind: 'ring', channelId: 'in-1' }]);
    expect(given(...ringingCall).effects).toEqual([]);
  });

  it("a leg that reports progress (a carrier's 183) counts as ringing: the caller gets its ringing", () => {
    const progress = fact({ kind: 'dial-progress', peer: channel('c1-1'), status: 'PROGRESS' });
    const first = given(phoneCall(), progress);
    expect(first.events).toEqual(['leg-ringing', 'ringing']);
    expect(first.effects).toEqual([{ kind: 'ring', channelId: 'in-1' }]);
  });

  it('first answer wins: the other device stops, the caller is answered and both are bridged', () => {
    const { events, effects, state } = given(...answered);
    expect(events).toContain('callee-answered');
    expect(events).not.toContain('connected');
    expect(kinds(effects)).toEqual([
      'cancel-timer',
      'hangup',
      'answer',
      'create-bridge',
      'add-to-bridge',
      'write-call-log',
    ]);
    expect(hangups(effects)).toEqual(['c1-1:answered-elsewhere']);
    expect(effects).toContainEqual({ kind: 'create-bridge', bridgeId: 'c1-bridge', name: 'call-c1' });
    expect(effects).toContainEqual({
      kind: 'add-to-bridge',
      bridgeId: 'c1-bridge',
      channelIds: ['in-1', 'c1-2'],
    });
    expect(logOf(effects)).toMatchObject({
      answeredByUserId: 'u-bob',
      answeredByExtension: '1002',
      answeredAt: iso(4),
    });
    expect(state.answeredBy).toEqual(bob);
  });

  it('announces the answer once both channels are in the bridge', () => {
    expect(given(...answered, inBridge('in-1')).events).toEqual(['leg-bridged']);
    expect(given(...talkingCall).events).toEqual(['leg-bridged', 'connected']);
  });

  it('a late answer on a losing device gets no second hang-up', () => {
    expect(given(...talkingCall, up('c1-1')).effects).toEqual([]);
  });
});

describe('how a call ends', () => {
  const endings: { name: string; inputs: CallInput[]; disposition: string; hangups: string[] }[] = [
    {
      name: 'busy: every device rejects with 486',
      inputs: [
        ...ringingCall,
        hangupRequested('c1-1', { cause: 17, techCause: 486 }),
        hangupRequested('c1-2', { cause: 17 }),
      ],
      disposition: 'busy',
      hangups: ['in-1:busy'],
    },
    {
      name: 'busy: one device rejects, the other is not registered',
      inputs: [phoneCall(), unavailable('c1-1'), ringing('c1-2'), hangupRequested('c1-2', { cause: 17 })],
      disposition: 'busy',
      hangups: ['in-1:busy'],
    },
    {
      name: 'unregistered: no device can be created',
      inputs: [phoneCall(), unavailable('c1-1'), unavailable('c1-2')],
      disposition: 'unavailable',
      hangups: ['in-1:unavailable'],
    },
    {
      name: 'no answer within the dial timeout',
      inputs: [...ringingCall, { kind: 'dial-timeout' }],
      disposition: 'no-answer',
      hangups: ['c1-1:normal', 'c1-2:normal', 'in-1:no-answer'],
    },
    {
      name: 'the caller hangs up while it rings',
      inputs: [...ringingCall, hangupRequested('in-1')],
      disposition: 'cancelled',
      hangups: ['c1-1:normal', 'c1-2:normal'],
    },
    {
      name: 'the caller hangs up while talking',
      inputs: [...talkingCall, hangupRequested('in-1')],
      disposition: 'answered',
      hangups: ['c1-2:normal'],
    },
    {
      name: 'the callee hangs up while talking',
      inputs: [...talkingCall, hangupRequested('c1-2')],
      disposition: 'answered',
      hangups: ['in-1:normal'],
    },
    {
      name: 'an admin hangs the call up',
      inputs: [...talkingCall, { kind: 'hangup-call' }],
      disposition: 'answered',
      hangups: ['in-1:normal', 'c1-2:normal'],
    },
  ];

  it.each(endings)('$name', ({ inputs, disposition, hangups: expected }) => {
    const { state, effects, events } = given(...inputs);
    expect(events).toContain('ending');
    expect(state.stage).toBe('ending');
    expect(state.disposition).toBe(disposition);
    expect(hangups(effects).sort()).toEqual([...expected].sort());
    expect(effects.some((e) => e.kind === 'answer')).toBe(false);
  });

  it('an unknown number is refused with 404 (unallocated) without answering', () => {
    const { state, effects } = given(phoneCall({ kind: 'unknown' }));
    expect(kinds(effects)).toEqual(['write-call-log', 'hangup', 'set-variable']);
    expect(hangups(effects)).toEqual(['in-1:unallocated']);
    expect(state.disposition).toBe('unknown-number');
  });

  it('a user with no device at all is unavailable', () => {
    const { state, effects } = given(phoneCall({ kind: 'user', user: bob, targets: [] }));
    expect(hangups(effects)).toEqual(['in-1:unavailable']);
    expect(state.disposition).toBe('unavailable');
  });

  it('ends when the last channel has left: bridge destroyed, log closed', () => {
    const { events, effects, state } = given(
      ...talkingCall,
      hangupRequested('c1-2'),
      left('c1-2'),
      left('c1-1'),
      left('in-1'),
    );
    expect(events).toEqual(['leg-gone', 'ended']);
    expect(effects).toContainEqual({ kind: 'destroy-bridge', bridgeId: 'c1-bridge' });
    expect(logOf(effects)).toMatchObject({
      disposition: 'answered',
      endedAt: iso(10),
      answeredAt: iso(4),
      fromNumber: '1001',
      toNumber: '1002',
    });
    expect(state.stage).toBe('ended');
  });

  it('a busy call ends without a bridge', () => {
    const busy = [
      ...ringingCall,
      hangupRequested('c1-1', { cause: 17 }),
      hangupRequested('c1-2', { cause: 17 }),
    ];
    const { effects } = given(...busy, left('c1-1'), left('c1-2'), left('in-1'));
    expect(kinds(effects)).toEqual(['write-call-log']);
    expect(logOf(effects)).toMatchObject({ disposition: 'busy', answeredAt: null });
  });

  it('hangs up a leg that enters Stasis after its call moved on', () => {
    // The caller hung up while they rang: both legs are hung up at once; one answering anyway is not asked twice.
    expect(hangups(given(phoneCall(), hangupRequested('in-1')).effects)).toEqual([
      'c1-1:normal',
      'c1-2:normal',
    ]);
    expect(given(phoneCall(), hangupRequested('in-1'), up('c1-1'), entered('c1-1')).effects).toEqual([]);
    const orphan = decide(entered('x-9', ['call:gone:leg']), undefined, at(0));
    expect(orphan.effects).toEqual([{ kind: 'hangup', channelId: 'x-9', reason: 'normal' }]);
  });
});

describe('reconcile after the ARI socket came back', () => {
  it('keeps a call whose channels are all still there', () => {
    const { events, effects } = given(...talkingCall, left('c1-1'), {
      kind: 'reconcile',
      channelIds: ['in-1', 'c1-2'],
    });
    expect(events).toEqual([]);
    expect(effects).toEqual([]);
  });

  it('hangs up a channel whose partner left while the socket was down', () => {
    const { effects, state } = given(...talkingCall, left('c1-1'), {
      kind: 'reconcile',
      channelIds: ['in-1'],
    });
    expect(hangups(effects)).toEqual(['in-1:normal']);
    expect(state.disposition).toBe('answered');
  });

  it('asks again for a hang-up it had sent when the channel is still there (the request was lost with the socket)', () => {
    const reconcile: CallInput = { kind: 'reconcile', channelIds: ['in-1'] };
    const { effects, state } = given(...talkingCall, left('c1-1'), reconcile, reconcile);
    expect(hangups(effects)).toEqual(['in-1:normal']);
    expect(state.stage).toBe('ending');
  });

  it('ends a call whose channels are all gone', () => {
    const { events, state } = given(...talkingCall, left('c1-1'), { kind: 'reconcile', channelIds: [] });
    expect(events).toContain('ended');
    expect(state.disposition).toBe('answered');
  });
});

describe('click to call', () => {
  it('rings the clicking user’s own devices first, showing whom they call', () => {
    const { effects } = given(clickToCall);
    expect(kinds(effects)).toEqual(['write-call-log', 'create-channel', 'create-channel', 'start-timer']);
    expect(effects[1]).toMatchObject({
      request: {
        channelId: 'c1-1',
        endpoint: 'PJSIP/1001',
        callerId: { number: '1002', name: 'Bob Builder' },
        variables: { 'CALLERID(num)': '1001', 'CALLERID(name)': 'Alice Liddell' },
      },
    });
    expect(given(clickToCall, entered('c1-1')).effects).toEqual([
      { kind: 'dial', request: { channelId: 'c1-1', callerChannelId: undefined, timeoutSeconds: 31 } },
    ]);
  });

  it('when the user answers, stops their other device, plays ringback and rings the destination', () => {
    const { effects, state } = given(clickToCall, entered('c1-1'), entered('c1-2'), up('c1-2'));
    expect(state.aLegId).toBe('c1-2');
    expect(hangups(effects)).toEqual(['c1-1:answered-elsewhere']);
    expect(effects).toContainEqual({
      kind: 'play',
      playbackId: 'c1-ringback',
      channelId: 'c1-2',
      media: ['tone:ring'],
    });
    const originates = effects.flatMap((e) => (e.kind === 'originate' ? [e.request] : []));
    expect(originates.map((r) => [r.channelId, r.endpoint, r.callerId?.number])).toEqual([
      ['c1-3', 'PJSIP/1002', '1001'],
      ['c1-4', 'PJSIP/1002-web', '1001'],
    ]);
  });

  it('bridges the user with the first destination device that answers', () => {
    const answeredOrigin = [clickToCall, entered('c1-1'), entered('c1-2'), up('c1-2'), ringing('c1-3')];
    expect(given(...answeredOrigin).effects).toEqual([]);
    expect(given(...answeredOrigin, up('c1-3')).effects).toEqual([]); // bridged once in Stasis
    const { effects } = given(...answeredOrigin, up('c1-3'), entered('c1-3'));
    expect(kinds(effects)).toEqual([
      'cancel-timer',
      'stop-playback',
      'hangup',
      'create-bridge',
      'add-to-bridge',
      'write-call-log',
    ]);
    expect(effects).toContainEqual({
      kind: 'add-to-bridge',
      bridgeId: 'c1-bridge',
      channelIds: ['c1-2', 'c1-3'],
    });
  });

  it('ends as no-answer when the user does not pick up', () => {
    const { state, effects } = given(clickToCall, entered('c1-1'), entered('c1-2'), { kind: 'dial-timeout' });
    expect(state.disposition).toBe('no-answer');
    expect(hangups(effects).sort()).toEqual(['c1-1:normal', 'c1-2:normal']);
  });
});
