import { describe, expect, it } from 'vitest';
import type { ChannelInfo } from '../../controller/ari/pbx.facts.js';
import { evolve } from '../../controller/features/calls/call-state.js';
import type { CallInput, CallState } from '../../controller/features/calls/call.types.js';
import { decide } from '../../controller/features/calls/calls.decider.js';

/** The calls decider's side of parking: adopting a picked-up park, `#72`, releasing legs to parking. */
const t0 = Date.parse('2026-01-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);
const alice = { number: '1001', name: 'Alice', userId: 'u1' };
const carol = { number: '1003', name: 'Carol', userId: 'u3' };

const channel = (id: string): ChannelInfo => ({
  id,
  name: `PJSIP/${id}-00000001`,
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
const adopt: CallInput = {
  kind: 'adopt',
  callId: 'c1',
  caller: { channelId: 'P', endpoint: '', person: alice, up: true },
  answerer: { channelId: 'R', endpoint: '', person: carol, up: false },
  dialled: '701',
};
const dtmf = (id: string, digit: string): CallInput => ({
  kind: 'fact',
  fact: { kind: 'dtmf-received', channel: channel(id), digit, durationMs: 180 },
});

function run(inputs: [CallInput, number][]) {
  let state: CallState | undefined;
  let last = {
    events: [] as ReturnType<typeof decide>['events'],
    effects: [] as ReturnType<typeof decide>['effects'],
  };
  const allEffects: ReturnType<typeof decide>['effects'] = [];
  for (const [input, ms] of inputs) {
    last = decide(input, state, at(ms));
    allEffects.push(...last.effects);
    for (const event of last.events) state = evolve(state, event);
  }
  return { ...last, allEffects, state: state! };
}

const talking: [CallInput, number][] = [
  [adopt, 0],
  [{ kind: 'fact', fact: { kind: 'channel-entered-bridge', channel: channel('P'), bridge } }, 5],
  [{ kind: 'fact', fact: { kind: 'channel-entered-bridge', channel: channel('R'), bridge } }, 6],
];

describe('calls decider: hand-overs with parking', () => {
  it('adopts a picked-up park: the retriever answered, both bridged, logged from the caller to the slot', () => {
    const { effects, state } = run([[adopt, 0]]);
    expect(effects.map((e) => e.kind)).toEqual([
      'set-variable',
      'answer',
      'set-variable',
      'create-bridge',
      'add-to-bridge',
      'write-call-log',
    ]);
    expect(effects).toContainEqual({ kind: 'add-to-bridge', bridgeId: 'c1-bridge', channelIds: ['P', 'R'] });
    expect(state).toMatchObject({
      stage: 'talking',
      caller: alice,
      answeredBy: carol,
      dialled: '701',
      aLegId: 'P',
      answeredLegId: 'R',
    });
    expect(run(talking).events.map((e) => e.kind)).toEqual(['leg-bridged', 'connected']);
  });

  it.each([
    ['#72', ['#', '7', '2'], [0, 240, 480], true],
    ['#772 (a repeated key press is not a duplicate)', ['#', '7', '7', '2'], [0, 240, 480, 720], false],
    ['#7 … 2 more than 3 s apart', ['#', '7', '2'], [0, 240, 4000], false],
  ] as const)('%s from a leg asks parking to park the other one: %s', (_name, digits, times, parks) => {
    const inputs: [CallInput, number][] = [
      ...talking,
      ...digits.map((d, i): [CallInput, number] => [dtmf('R', d), 1000 + times[i]!]),
    ];
    const parkEffects = run(inputs).allEffects.filter((e) => e.kind === 'park-code');
    expect(parkEffects).toEqual(
      parks ? [{ kind: 'park-code', callId: 'c1', parkerChannelId: 'R', parkeeChannelId: 'P' }] : [],
    );
  });

  it('releasing both legs ends the call without a hang-up and leaves its bridge to parking', () => {
    const { events, effects, state } = run([...talking, [{ kind: 'release', channelIds: ['P', 'R'] }, 2000]]);
    expect(events.map((e) => e.kind)).toEqual(['legs-released', 'ending', 'ended']);
    expect(effects.map((e) => e.kind)).toEqual(['write-call-log']);
    expect(state).toMatchObject({ stage: 'ended', disposition: 'answered', bridgeId: null });
  });

  it('releasing one leg hangs the other up (an API park)', () => {
    const { effects } = run([...talking, [{ kind: 'release', channelIds: ['P'] }, 2000]]);
    expect(effects).toEqual([{ kind: 'hangup', channelId: 'R', reason: 'normal' }]);
  });
});
