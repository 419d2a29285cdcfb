import { describe, expect, it } from 'vitest';
import type { ChannelInfo } from '../../controller/ari/pbx.facts.js';
import { evolve } from '../../controller/features/calls/call-state.js';
import type { CallInput, CallState } from '../../controller/features/calls/call.types.js';
import { decide } from '../../controller/features/calls/calls.decider.js';

/** `*1` during a talking call (call recording, issue 17): the calls decider's `record-code` effect. */
const t0 = Date.parse('2026-01-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);
const alice = { number: '1001', name: 'Alice', userId: 'u1' };
const carol = { number: '1003', name: 'Carol', userId: 'u3' };

const channel = (id: string, name = `PJSIP/${id}-00000001`): ChannelInfo => ({
  id,
  name,
  state: 'Up',
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-internal', exten: 's' },
  createdAt: at(0).toISOString(),
});
const bridge = {
  id: 'c1-bridge',
  name: 'call-c1',
  type: 'mixing',
  technology: 'simple_bridge',
  channelIds: [],
};

function run(inputs: [CallInput, number][]) {
  let state: CallState | undefined;
  const effects: ReturnType<typeof decide>['effects'] = [];
  for (const [input, ms] of inputs) {
    const decided = decide(input, state, at(ms));
    effects.push(...decided.effects);
    for (const event of decided.events) state = evolve(state, event);
  }
  return effects;
}

/** A talking call of P (the caller side, on `pEndpoint`) and R. */
const talking = (pEndpoint = ''): [CallInput, number][] => [
  [
    {
      kind: 'adopt',
      callId: 'c1',
      caller: { channelId: 'P', endpoint: pEndpoint, person: alice, up: true },
      answerer: { channelId: 'R', endpoint: '', person: carol, up: true },
      dialled: '701',
    },
    0,
  ],
  [{ kind: 'fact', fact: { kind: 'channel-entered-bridge', channel: channel('P'), bridge } }, 5],
  [{ kind: 'fact', fact: { kind: 'channel-entered-bridge', channel: channel('R'), bridge } }, 6],
];
const dtmf = (id: string, digit: string, ms: number): [CallInput, number] => [
  { kind: 'fact', fact: { kind: 'dtmf-received', channel: channel(id), digit, durationMs: 180 } },
  ms,
];
const recordCodes = (inputs: [CallInput, number][]) => run(inputs).filter((e) => e.kind === 'record-code');

describe('*1 in a call', () => {
  it.each([
    [
      '*1',
      [dtmf('R', '*', 1000), dtmf('R', '1', 1240)],
      [{ kind: 'record-code', callId: 'c1', channelId: 'R' }],
    ],
    [
      '*1 twice (toggled twice)',
      [dtmf('P', '*', 1000), dtmf('P', '1', 1240), dtmf('P', '*', 3000), dtmf('P', '1', 3240)],
      [
        { kind: 'record-code', callId: 'c1', channelId: 'P' },
        { kind: 'record-code', callId: 'c1', channelId: 'P' },
      ],
    ],
    ['* … 1 more than 3 s apart', [dtmf('R', '*', 1000), dtmf('R', '1', 4500)], []],
    ['1 alone', [dtmf('R', '1', 1000)], []],
    [
      '#72 is still a park, not a recording',
      [dtmf('R', '#', 1000), dtmf('R', '7', 1240), dtmf('R', '2', 1480)],
      [],
    ],
  ] as const)('%s', (_what, digits, expected) => {
    expect(recordCodes([...talking(), ...digits])).toEqual(expected);
  });

  it("an outside caller's *1 is no code (the trunk fence)", () => {
    expect(recordCodes([...talking('PJSIP/trunk-1'), dtmf('P', '*', 1000), dtmf('P', '1', 1240)])).toEqual(
      [],
    );
  });
});
