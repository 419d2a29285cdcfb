import { describe, expect, it } from 'vitest';
import type { Destination, Person, RingEntry } from '../../controller/features/calls/call.types.js';
import { canTakeCall, decideRouting } from '../../controller/features/routing/routing.decider.js';
import type { AgentRing, AgentState, RoutingInput } from '../../controller/features/routing/routing.types.js';
import { checkInboundRoute } from '../../controller/features/routing/inbound-routes.rules.js';

/** Routing a customer's call, pure: who rings when, given the contact, the team and presence. */
const person = (ext: string): Person => ({ number: ext, name: `Agent ${ext}`, userId: `u-${ext}` });
const ring = (ext: string, entries?: Omit<RingEntry, 'person'>[]): AgentRing => ({
  person: person(ext),
  entries: (entries ?? [{ endpoint: `PJSIP/${ext}`, startSeconds: 0, stopSeconds: 60 }]).map((e) => ({
    ...e,
    person: person(ext),
  })),
});
const fallback: Destination = { kind: 'announcement', user: { number: '+15550001', name: '', userId: null }, media: [] };

function input(given: {
  assigned?: AgentRing[];
  team?: AgentRing[];
  states?: Record<string, AgentState>;
}): RoutingInput {
  const all = [...(given.assigned ?? []), ...(given.team ?? [])];
  return {
    did: '+15550001',
    assignedRingSeconds: 30,
    assigned: given.assigned ?? [],
    team: given.team ?? [],
    states: { ...Object.fromEntries(all.map((a) => [a.person.userId!, 'available' as const])), ...given.states },
    fallback,
  };
}

/** `ext@start-stop(step)` of every entry of the plan, or `fallback`. */
function when(given: Parameters<typeof input>[0]): string[] {
  const decision = decideRouting(input(given));
  if (decision.kind === 'fallback') return ['fallback'];
  if (decision.destination.kind !== 'user' || !decision.destination.plan) throw new Error('no plan');
  const plan = decision.destination.plan;
  expect(plan.onNoAnswer?.destination).toBe(fallback);
  expect(plan.onBusy).toBe(fallback);
  expect(plan.entries.every((e) => e.claim)).toBe(true);
  return plan.entries.map((e) => `${e.person.number}@${e.startSeconds}-${e.stopSeconds}(${e.step})`);
}

describe('decideRouting', () => {
  it.each([
    [
      'the assigned agent first, the team after assignedRingSeconds (the assigned one still ringing)',
      { assigned: [ring('1001')], team: [ring('1002'), ring('1003')] },
      ['1001@0-60(assigned)', '1002@30-90(team)', '1003@30-90(team)'],
    ],
    [
      'two assigned ring together, the others only after the timeout',
      { assigned: [ring('1001'), ring('1002')], team: [ring('1003'), ring('1004')] },
      ['1001@0-60(assigned)', '1002@0-60(assigned)', '1003@30-90(team)', '1004@30-90(team)'],
    ],
    ['an unknown caller (no assigned agents): the team at once', { team: [ring('1002'), ring('1003')] }, ['1002@0-60(team)', '1003@0-60(team)']],
    [
      'the assigned agent on a call: not rung; the team at once',
      { assigned: [ring('1001')], team: [ring('1002')], states: { 'u-1001': 'on-call' } },
      ['1002@0-60(team)'],
    ],
    [
      'assigned in DND or offline: the same',
      { assigned: [ring('1001'), ring('1004')], team: [ring('1002')], states: { 'u-1001': 'dnd', 'u-1004': 'offline' } },
      ['1002@0-60(team)'],
    ],
    [
      'ringing (an internal call) does not keep an agent from a routed call',
      { assigned: [ring('1001')], team: [], states: { 'u-1001': 'ringing' } },
      ['1001@0-60(assigned)'],
    ],
    [
      'team members busy now stay in the plan: presence and the claim decide at their step',
      { assigned: [ring('1001')], team: [ring('1002')], states: { 'u-1002': 'on-call' } },
      ['1001@0-60(assigned)', '1002@30-90(team)'],
    ],
    [
      "each agent's own ring settings: delays and timeouts keep their shape, shifted to the step",
      {
        team: [
          ring('1002', [
            { endpoint: 'PJSIP/1002', startSeconds: 0, stopSeconds: 10 },
            { endpoint: 'PJSIP/1002-web', startSeconds: 10, stopSeconds: 25 },
          ]),
        ],
        assigned: [ring('1001')],
      },
      ['1001@0-60(assigned)', '1002@30-40(team)', '1002@40-55(team)'],
    ],
    ['nobody who can take a call: the fallback at once', { assigned: [ring('1001')], team: [ring('1002')], states: { 'u-1001': 'on-call', 'u-1002': 'dnd' } }, ['fallback']],
    ['an empty team and no contact: the fallback at once', {}, ['fallback']],
    ['an agent with no device to ring counts as nobody', { team: [ring('1002', [])] }, ['fallback']],
  ] as [string, Parameters<typeof input>[0], string[]][])('%s', (_what, given, expected) => {
    expect(when(given)).toEqual(expected);
  });

  it('the plan ends (no answer → the fallback) when its last entry stops', () => {
    const decision = decideRouting(input({ assigned: [ring('1001')], team: [ring('1002')] }));
    expect(decision.kind === 'ring' && decision.destination.kind === 'user' && decision.destination.plan?.onNoAnswer?.afterSeconds).toBe(90);
  });

  it.each([
    ['available', true],
    ['ringing', true],
    ['on-call', false],
    ['dnd', false],
    ['offline', false],
  ] as const)('an agent %s can take a routed call: %s', (state, expected) => {
    expect(canTakeCall(state)).toBe(expected);
  });
});

describe('checkInboundRoute', () => {
  const plan = { countryCode: '1', nationalPrefix: '1', internationalPrefix: '011' };
  const has = (ext: string) => ext === '2005';
  const body = (fallback: { kind: 'extension' | 'external' | 'hangup'; target?: string }, did = '(555) 000-1234') => ({
    did,
    teamId: '00000000-0000-4000-8000-000000000001',
    assignedRingSeconds: 30,
    fallback,
  });
  it.each([
    ['an extension somebody has', body({ kind: 'extension', target: '2005' }), { kind: 'extension', target: '2005' }],
    ['an outside number, in E.164', body({ kind: 'external', target: '011 44 20 7946 0958' }), { kind: 'external', target: '+442079460958' }],
    ['hang up, no target', body({ kind: 'hangup' }), { kind: 'hangup', target: null }],
  ])('stores %s', (_what, given, fallback) => {
    expect(checkInboundRoute(given, plan, has)).toEqual({
      kind: 'ok',
      values: { did: '+15550001234', teamId: given.teamId, assignedRingSeconds: 30, fallback },
    });
  });
  it.each([
    ['an extension nobody has', body({ kind: 'extension', target: '7777' }), [{ path: 'fallback.target', message: 'nobody has extension 7777' }]],
    ['an extension without a target', body({ kind: 'extension' }), [{ path: 'fallback.target', message: 'an extension is required' }]],
    ['a hang-up with a target', body({ kind: 'hangup', target: '2005' }), [{ path: 'fallback.target', message: 'a hang-up fallback takes no target' }]],
    ['not a number', body({ kind: 'external', target: 'call me' }), [{ path: 'fallback.target', message: '"call me" is not a phone number' }]],
    [
      'a DID that is not a number, and a bad target: both named',
      body({ kind: 'extension', target: '12' }, 'abc'),
      [
        { path: 'did', message: '"abc" is not a phone number' },
        { path: 'fallback.target', message: 'an extension is 3 to 5 digits' },
      ],
    ],
  ])('refuses %s', (_what, given, problems) => {
    expect(checkInboundRoute(given, plan, has)).toEqual({ kind: 'invalid', problems });
  });
});
