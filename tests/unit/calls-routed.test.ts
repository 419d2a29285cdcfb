import { describe, expect, it } from 'vitest';
import type { ChannelInfo, PbxFact } from '../../controller/ari/pbx.facts.js';
import { evolve, logEntryOf } from '../../controller/features/calls/call-state.js';
import type {
  CallEffect,
  CallInput,
  CallState,
  Destination,
  Person,
  RingEntry,
  RingPlan,
} from '../../controller/features/calls/call.types.js';
import { toCallView } from '../../controller/features/calls/call-view.js';
import { decide } from '../../controller/features/calls/calls.decider.js';

/**
 * Routed calls in the calls decider: entries are claimed when due (the shell answers with `agents-claimed`), refused
 * ones are skipped, claims are given back as soon as the call no longer rings an agent, the path is recorded, and the
 * `hangup` fallback plays its prompt before the caller is hung up.
 */
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const customer: Person = { number: '+15551110001', name: 'Customer', userId: null };
const agent = (ext: string): Person => ({ number: ext, name: `Agent ${ext}`, userId: `u-${ext}` });
const channel = (id: string, state: ChannelInfo['state'] = 'Down'): ChannelInfo => ({
  id,
  name: `PJSIP/${id}-00000001`,
  state,
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  dialplan: { context: 'from-trunk', exten: 's' },
  createdAt: new Date(T0).toISOString(),
});
const fact = (f: PbxFact): CallInput => ({ kind: 'fact', fact: f });
const up = (id: string) => fact({ kind: 'channel-state-changed', channel: channel(id, 'Up') });
const entered = (id: string) => fact({ kind: 'channel-entered', channel: channel(id), args: ['call:c1:leg'] });
const rejected = (id: string) => fact({ kind: 'channel-hangup-requested', channel: channel(id), cause: { cause: 17 } });
const left = (id: string) => fact({ kind: 'channel-left', channel: channel(id) });
const finished = (playbackId: string) =>
  fact({ kind: 'playback-finished', playbackId, targetUri: 'channel:trunk-1', state: 'done' });
const timer: CallInput = { kind: 'dial-timeout' };
const granted = (indexes: number[], ...exts: string[]): CallInput => ({
  kind: 'agents-claimed',
  indexes,
  granted: exts.map((e) => `u-${e}`),
});

const entry = (ext: string, start: number, stop: number, step: 'assigned' | 'team'): RingEntry => ({
  endpoint: `PJSIP/${ext}`,
  person: agent(ext),
  startSeconds: start,
  stopSeconds: stop,
  claim: true,
  step,
});
const announcement: Destination = {
  kind: 'announcement',
  user: { number: '+15550001', name: '', userId: null },
  media: ['sound:vm-nobodyavail'],
};
const plan: RingPlan = {
  entries: [entry('2001', 0, 4, 'assigned'), entry('2002', 1, 4, 'team'), entry('2003', 1, 4, 'team')],
  path: [],
  onBusy: announcement,
  onNoAnswer: { afterSeconds: 4, destination: announcement },
};
const routed = (ringPlan: RingPlan | Destination = plan): CallInput => ({
  kind: 'phone-call',
  callId: 'c1',
  channel: { ...channel('trunk-1', 'Ring'), dialplan: { context: 'from-trunk', exten: '+15550001' } },
  caller: customer,
  dialled: '+15550001',
  destination:
    'entries' in ringPlan
      ? { kind: 'user', user: { number: '+15550001', name: '', userId: null }, targets: [], plan: ringPlan }
      : ringPlan,
  dialTimeoutSeconds: 30,
  routing: { did: '+15550001', trunkId: 't-1', routeId: 'r-1', teamId: 'team-1', contact: null, path: [] },
});

function given(...inputs: [CallInput, number][]) {
  let state: CallState | undefined;
  let effects: CallEffect[] = [];
  for (const [input, second] of inputs) {
    const decision = decide(input, state, new Date(T0 + second * 1000));
    state = decision.events.reduce<CallState | undefined>(evolve, state);
    effects = decision.effects;
  }
  return { state: state!, effects };
}
/** `claim:exts|shared`, `+endpoint`, `release:exts`, `-leg:reason`, `play:media`, `answer:leg`. */
const actions = (effects: CallEffect[]) =>
  effects.flatMap((e) => {
    const exts = (ids: string[]) => ids.map((id) => id.replace('u-', '')).join(',');
    if (e.kind === 'claim-agents') return [`claim:${exts(e.userIds)}|${exts(e.shared)}`];
    if (e.kind === 'release-agents') return [`release:${exts(e.userIds)}`];
    if (e.kind === 'originate') return [`+${e.request.endpoint}`];
    if (e.kind === 'hangup') return [`-${e.channelId}:${e.reason}`];
    if (e.kind === 'play') return [`play:${e.media.join(',')}`];
    if (e.kind === 'answer') return [`answer:${e.channelId}`];
    return [];
  });

describe('routed calls in the calls decider', () => {
  it.each([
    ['the assigned agent is claimed before anything rings', [[routed(), 0]], ['claim:2001|']],
    ['granted, the assigned agent rings', [[routed(), 0], [granted([0], '2001'), 0]], ['+PJSIP/2001']],
    [
      'the team step: claimed as a share (the team is split between waiting calls)',
      [[routed(), 0], [granted([0], '2001'), 0], [timer, 1]],
      ['claim:2002,2003|2002,2003'],
    ],
    [
      'of the team only 2003 granted: 2002 is skipped, never rung',
      [[routed(), 0], [granted([0], '2001'), 0], [timer, 1], [granted([1, 2], '2003'), 1]],
      ['+PJSIP/2003'],
    ],
    [
      'the assigned agent refused: the team moves up and is claimed at once',
      [[routed(), 0], [granted([0]), 0]],
      ['claim:2002,2003|2002,2003'],
    ],
    [
      'a team agent answers: the others stop as answered elsewhere and are released at once',
      [[routed(), 0], [granted([0], '2001'), 0], [timer, 1], [granted([1, 2], '2002', '2003'), 1], [up('c1-2'), 2], [entered('c1-2'), 2]],
      ['-c1-1:answered-elsewhere', '-c1-3:answered-elsewhere', 'answer:trunk-1', 'release:2001,2003'],
    ],
    [
      'an agent rejects: released (free for another call), the others ring on',
      [[routed(), 0], [granted([0], '2001'), 0], [timer, 1], [granted([1, 2], '2002', '2003'), 1], [rejected('c1-2'), 2]],
      ['release:2002'],
    ],
    [
      'nobody granted anywhere: the hangup fallback answers the caller and plays its prompt',
      [[routed(), 0], [granted([0]), 0], [granted([1, 2]), 0]],
      ['answer:trunk-1', 'play:sound:vm-nobodyavail'],
    ],
    [
      'the prompt played: the caller is hung up',
      [[routed(), 0], [granted([0]), 0], [granted([1, 2]), 0], [finished('c1-announce'), 3]],
      ['-trunk-1:normal'],
    ],
    [
      'a claim answered after the call ended is given back at once',
      [[routed(), 0], [left('trunk-1'), 0], [granted([0], '2001'), 0]],
      ['release:2001'],
    ],
    ['a prompt destination from the start (nobody available)', [[routed(announcement), 0]], ['answer:trunk-1', 'play:sound:vm-nobodyavail']],
  ] as [string, [CallInput, number][], string[]][])('%s', (_what, inputs, expected) => {
    expect(actions(given(...inputs).effects)).toEqual(expected);
  });

  it('the log and the view: inbound, the path as it happened, every agent rung, the DID and trunk', () => {
    const { state } = given(
      [routed(), 0],
      [granted([0], '2001'), 0],
      [timer, 1],
      [granted([1, 2], '2002', '2003'), 1],
      [up('c1-3'), 2],
      [entered('c1-3'), 2],
    );
    expect(state.claimed).toEqual(['u-2003']);
    expect(logEntryOf(state)).toMatchObject({
      direction: 'inbound',
      did: '+15550001',
      trunkId: 't-1',
      routingPath: ['assigned', 'team'],
      rungUserIds: ['u-2001', 'u-2002', 'u-2003'],
      answeredByUserId: 'u-2003',
    });
    const view = toCallView(state);
    expect(view).toMatchObject({ direction: 'inbound', routing: { did: '+15550001', path: ['assigned', 'team'] } });
    expect(view.rungUserIds).toEqual(['u-2001', 'u-2002', 'u-2003']);
    expect(view.answeredBy).toMatchObject({ userId: 'u-2003', extension: '2003', displayName: 'Agent 2003' });
  });

  it('no answer by the end of the plan: the fallback, and the path says so', () => {
    const { state, effects } = given(
      [routed(), 0],
      [granted([0], '2001'), 0],
      [timer, 1],
      [granted([1, 2], '2002'), 1],
      [timer, 4],
    );
    expect(actions(effects)).toEqual(
      expect.arrayContaining(['-c1-1:normal', '-c1-2:normal', 'answer:trunk-1', 'play:sound:vm-nobodyavail']),
    );
    expect(state.routing?.path).toEqual(['assigned', 'team', 'fallback']);
    expect(state.announcement?.disposition).toBe('no-answer');
  });
});
