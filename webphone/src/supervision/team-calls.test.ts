import { describe, expect, it } from 'vitest';
import type { LiveCall, Presence } from '../api/types';
import type { SupervisionSession } from './supervision.state';
import { isSupervisorRole, teamCalls } from './team-calls';

const person = (extension: string, displayName: string, teamId: string | null): Presence => ({
  extension,
  displayName,
  state: 'on-call',
  userId: `u-${extension}`,
  teamId,
});
const presence = Object.fromEntries(
  [
    person('1001', 'Alice Agent', 'A'),
    person('1003', 'Carl Agent', 'A'),
    person('1002', 'Bea Other', 'B'),
    person('1010', 'Sue Super', 'A'),
    person('1012', 'Sam Super', 'A'),
  ].map((p) => [p.extension, p]),
);
const call = (id: string, from: string, to: string, over: Partial<LiveCall> = {}): LiveCall => ({
  id,
  state: 'answered',
  from: { number: from, name: '' },
  to: { number: to, name: '' },
  answeredBy: null,
  startedAt: '2026-01-01T10:00:00.000Z',
  answeredAt: '2026-01-01T10:00:05.000Z',
  ...over,
});
const sup = { id: 'u-1010', role: 'supervisor' as const, teamId: 'A', extension: '1010' };
const session = (
  id: string,
  callId: string,
  supervisorExtension: string,
  startedAt: string,
): SupervisionSession => ({
  id,
  callId,
  mode: 'monitor',
  state: 'active',
  supervisorExtension,
  supervisorUserId: `u-${supervisorExtension}`,
  targetExtension: '1001',
  targetUserId: 'u-1001',
  startedAt,
  activeAt: startedAt,
});

describe('teamCalls: the calls a supervisor watches', () => {
  it("lists calls with an agent of the supervisor's team, the agent first, with who supervises them", () => {
    const calls = {
      c1: call('c1', '+15550001', '1001', { from: { number: '+15550001', name: 'Maria Lopez' } }),
      c2: call('c2', '1002', '1002'),
      c3: call('c3', '1003', '1002', {
        state: 'ringing',
        answeredAt: null,
        startedAt: '2026-01-01T09:59:00.000Z',
      }),
    };
    const sessions = {
      s2: session('s2', 'c1', '1012', '2026-01-01T10:00:09.000Z'),
      s1: session('s1', 'c1', '1010', '2026-01-01T10:00:07.000Z'),
    };
    const rows = teamCalls(calls, presence, sessions, sup);
    expect(rows.map((r) => r.callId)).toEqual(['c3', 'c1']);
    const [ringing, talking] = rows;
    expect(ringing).toMatchObject({
      agent: { number: '1003', name: 'Carl Agent' },
      other: { number: '1002', name: 'Bea Other' },
      talking: false,
      since: '2026-01-01T09:59:00.000Z',
      supervisors: [],
    });
    expect(talking).toMatchObject({
      agent: { number: '1001', name: 'Alice Agent' },
      other: { number: '+15550001', name: 'Maria Lopez' },
      talking: true,
      since: '2026-01-01T10:00:05.000Z',
    });
    expect(talking!.supervisors.map((s) => `${s.supervisorName}:${s.id}`)).toEqual([
      'Sue Super:s1',
      'Sam Super:s2',
    ]);
  });

  it('a routed call answered by an agent names that agent; an unknown caller is shown as such', () => {
    const calls = {
      c1: call('c1', '', '5550100', {
        from: null,
        answeredBy: { extension: '1003', displayName: 'Carl Agent' },
      }),
    };
    const [row] = teamCalls(calls, presence, {}, sup);
    expect(row).toMatchObject({ agent: { number: '1003' }, other: { name: 'Unknown caller' } });
  });

  it("never the supervisor's own calls, another team's, ended ones; an admin sees every call with a user", () => {
    const calls = {
      own: call('own', '1010', '1001'),
      other: call('other', '1002', '+1555'),
      gone: call('gone', '1001', '1003', { state: 'ended' }),
    };
    expect(teamCalls(calls, presence, {}, sup)).toEqual([]);
    const admin = { id: 'u-admin', role: 'admin' as const, teamId: null, extension: '1020' };
    expect(
      teamCalls(calls, presence, {}, admin)
        .map((r) => r.callId)
        .sort(),
    ).toEqual(['other', 'own']);
    // A supervisor without a team has nobody to supervise.
    expect(teamCalls(calls, presence, {}, { ...sup, teamId: null })).toEqual([]);
  });

  it('only supervisors and admins get the supervisor panels', () => {
    expect(['agent', 'supervisor', 'admin'].map((r) => isSupervisorRole(r as 'agent'))).toEqual([
      false,
      true,
      true,
    ]);
  });
});
