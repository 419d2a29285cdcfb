import { describe, expect, it } from 'vitest';
import type { ChannelInfo, PbxFact } from '../../controller/ari/pbx.facts.js';
import { evolve } from '../../controller/features/calls/call-state.js';
import { withMailboxes } from '../../controller/features/calls/call-voicemail.js';
import type {
  CallEffect,
  CallInput,
  CallState,
  Destination,
  Person,
} from '../../controller/features/calls/call.types.js';
import { decide } from '../../controller/features/calls/calls.decider.js';

/** The calls decider's voicemail branch: an unanswered call to a destination with a mailbox is handed over. */
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const alice: Person = { number: '1001', name: 'Alice', userId: 'u-1001' };
const bob: Person = { number: '1002', name: 'Bob', userId: 'u-1002' };
const carol: Person = { number: '1003', name: 'Carol', userId: 'u-1003' };
const mailbox = { userId: 'u-1002', extension: '1002' };
const channel = (id: string, state: ChannelInfo['state'] = 'Down'): ChannelInfo => ({
  id,
  name: `PJSIP/${id}-00000001`,
  state,
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-internal', exten: '1002' },
  createdAt: new Date(T0).toISOString(),
});
const fact = (f: PbxFact): CallInput => ({ kind: 'fact', fact: f });
const rejected = (id: string, cause: number) =>
  fact({ kind: 'channel-hangup-requested', channel: channel(id), cause: { cause } });
const callerHangsUp = fact({ kind: 'channel-hangup-requested', channel: channel('in-1'), cause: {} });
const timeout: CallInput = { kind: 'dial-timeout' };
const phoneCall = (destination: Destination): CallInput => ({
  kind: 'phone-call',
  callId: 'c1',
  channel: channel('in-1', 'Ring'),
  caller: alice,
  dialled: '1002',
  destination,
  dialTimeoutSeconds: 30,
});
const toBob = (extra: Partial<Extract<Destination, { kind: 'user' }>> = {}): Destination => ({
  kind: 'user',
  user: bob,
  targets: [{ endpoint: 'PJSIP/1002' }],
  ...extra,
});

/** Inputs at T0, or `[input, second]`. */
function given(...inputs: (CallInput | [CallInput, number])[]) {
  let state: CallState | undefined;
  let effects: CallEffect[] = [];
  for (const item of inputs) {
    const [input, second] = Array.isArray(item) ? item : [item, 0];
    const decision = decide(input, state, new Date(T0 + second * 1000));
    state = decision.events.reduce<CallState | undefined>(evolve, state);
    effects = decision.effects;
  }
  return { state: state!, effects };
}
const handedOver = (effects: CallEffect[]) => effects.find((e) => e.kind === 'voicemail');
const callerHungUp = (effects: CallEffect[]) =>
  effects.find((e) => e.kind === 'hangup' && e.channelId === 'in-1') as
    Extract<CallEffect, { kind: 'hangup' }> | undefined;

describe('an unanswered call and the mailbox', () => {
  it.each([
    ['no answer, mailbox', [phoneCall(toBob({ mailbox })), timeout], 'unavailable'],
    ['busy (486), mailbox', [phoneCall(toBob({ mailbox })), rejected('c1-1', 17)], 'busy'],
    [
      'DND (a busy destination), mailbox',
      [phoneCall({ kind: 'busy', user: bob, path: ['1002'], mailbox })],
      'busy',
    ],
    [
      'nothing registered (unavailable), mailbox',
      [phoneCall(toBob({ mailbox, targets: [] }))],
      'unavailable',
    ],
  ] as const)('%s: the caller is released to voicemail, the call ends as voicemail', (_, inputs, reason) => {
    const { state, effects } = given(...inputs);
    expect(handedOver(effects)).toEqual({
      kind: 'voicemail',
      callId: 'c1',
      channelId: 'in-1',
      answered: false,
      mailbox,
      reason,
      caller: alice,
      dialled: '1002',
    });
    expect(callerHungUp(effects)).toBeUndefined();
    expect(state.disposition).toBe('voicemail');
  });

  it.each([
    ['no answer', [phoneCall(toBob()), timeout], 'no-answer', 'no-answer'],
    ['busy', [phoneCall(toBob()), rejected('c1-1', 17)], 'busy', 'busy'],
    ['DND', [phoneCall({ kind: 'busy', user: bob, path: ['1002'] })], 'busy', 'busy'],
  ] as const)('%s without a mailbox: the caller hears it as before', (_, inputs, disposition, reason) => {
    const { state, effects } = given(...inputs);
    expect(handedOver(effects)).toBeUndefined();
    expect(callerHungUp(effects)?.reason).toBe(reason);
    expect(state.disposition).toBe(disposition);
  });

  it('a caller who hung up while ringing is not handed over (cancelled)', () => {
    const { state, effects } = given(phoneCall(toBob({ mailbox })), callerHangsUp);
    expect(handedOver(effects)).toBeUndefined();
    expect(state.disposition).toBe('cancelled');
  });

  it("a no-answer forward wins over the mailbox; the forward target's own mailbox takes the call at its end", () => {
    const carolMailbox = { userId: 'u-1003', extension: '1003' };
    const plan = {
      entries: [{ endpoint: 'PJSIP/1002', person: bob, startSeconds: 0, stopSeconds: 30 }],
      path: ['1002'],
      onNoAnswer: {
        afterSeconds: 30,
        destination: {
          kind: 'user' as const,
          user: carol,
          targets: [],
          mailbox: carolMailbox,
          plan: {
            entries: [{ endpoint: 'PJSIP/1003', person: carol, startSeconds: 0, stopSeconds: 20 }],
            path: ['1003'],
          },
        },
      },
    };
    const forwarded = given(phoneCall(toBob({ mailbox, plan })), [timeout, 30]);
    expect(handedOver(forwarded.effects)).toBeUndefined();
    expect(forwarded.effects.some((e) => e.kind === 'originate' && e.request.endpoint === 'PJSIP/1003')).toBe(
      true,
    );
    const end = given(phoneCall(toBob({ mailbox, plan })), [timeout, 30], [rejected('c1-2', 17), 31]);
    expect(handedOver(end.effects)).toMatchObject({ mailbox: carolMailbox, reason: 'busy' });
  });
});

describe('withMailboxes (resolved before deciding)', () => {
  const has = (userId: string) => userId === 'u-1002' || userId === 'u-1003';
  it.each([
    ['unknown stays unknown', { kind: 'unknown' } as Destination, { kind: 'unknown' }],
    ['a user with a mailbox', toBob(), toBob({ mailbox })],
    [
      'a user without one',
      { kind: 'user', user: alice, targets: [] } as Destination,
      { kind: 'user', user: alice, targets: [] },
    ],
    [
      'DND',
      { kind: 'busy', user: bob, path: ['1002'] } as Destination,
      { kind: 'busy', user: bob, path: ['1002'], mailbox },
    ],
  ])('%s', (_, destination, expected) => expect(withMailboxes(destination, has)).toEqual(expected));

  it("marks a busy forward's target too", () => {
    const plan = { entries: [], path: ['1002'], onBusy: { kind: 'user' as const, user: carol, targets: [] } };
    const marked = withMailboxes(toBob({ plan }), has);
    expect(marked).toMatchObject({
      mailbox,
      plan: { onBusy: { mailbox: { userId: 'u-1003', extension: '1003' } } },
    });
  });
});
