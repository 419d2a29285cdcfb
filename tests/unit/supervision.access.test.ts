import { describe, expect, it } from 'vitest';
import {
  canSeeSession,
  maySupervise,
  type SupervisionPerson,
} from '../../controller/features/supervision/supervision.access.js';

const person = (
  userId: string,
  role: SupervisionPerson['role'],
  teamId: string | null,
): SupervisionPerson => ({
  userId,
  role,
  teamId,
});
const agentA = person('agent-a', 'agent', 'team-a');
const agentA2 = person('agent-a2', 'agent', 'team-a');
const agentB = person('agent-b', 'agent', 'team-b');
const agentNoTeam = person('agent-0', 'agent', null);
const supA = person('sup-a', 'supervisor', 'team-a');
const supA2 = person('sup-a2', 'supervisor', 'team-a');
const supB = person('sup-b', 'supervisor', 'team-b');
const supNoTeam = person('sup-0', 'supervisor', null);
const admin = person('admin-1', 'admin', null);
const admin2 = person('admin-2', 'admin', 'team-a');

type Row = [string, SupervisionPerson, SupervisionPerson, (SupervisionPerson | null)[] | undefined, string];

describe('who may supervise whom (supervision.access.ts)', () => {
  it.each<Row>([
    // given supervisor, target, the call's users (null: an outside party) → then
    ['a supervisor, an agent of their team', supA, agentA, [agentA, null], 'ok'],
    ['a supervisor, an agent of their team talking to another team', supA, agentA, [agentA, agentB], 'ok'],
    ['a supervisor, the agent idle (no call yet)', supA, agentA, undefined, 'ok'],
    ['an admin, any agent', admin, agentB, [agentB, null], 'ok'],
    ['an admin, an agent without a team', admin, agentNoTeam, [agentNoTeam, null], 'ok'],
    ['an admin, a supervisor', admin, supA, [supA, null], 'ok'],
    ['an admin, another admin', admin, admin2, [admin2, null], 'ok'],
    ['an admin, an agent talking to a supervisor', admin, agentA, [agentA, supB], 'ok'],
    ['an agent, a colleague', agentA2, agentA, [agentA, null], 'supervision-forbidden'],
    ['an agent, an agent idle', agentA2, agentA, undefined, 'supervision-forbidden'],
    ['a supervisor, an agent of another team', supA, agentB, [agentB, null], 'supervision-forbidden'],
    [
      'a supervisor without a team, an agent without a team',
      supNoTeam,
      agentNoTeam,
      [agentNoTeam],
      'supervision-forbidden',
    ],
    ['a supervisor, an agent without a team', supA, agentNoTeam, [agentNoTeam], 'supervision-forbidden'],
    ['a supervisor, a supervisor of their team', supA, supA2, [supA2, null], 'supervision-forbidden'],
    ['a supervisor, an admin', supA, admin2, [admin2, null], 'supervision-forbidden'],
    ['a supervisor, their agent talking to an admin', supA, agentA, [agentA, admin], 'supervision-forbidden'],
    [
      'a supervisor, their agent talking to another supervisor',
      supA,
      agentA,
      [agentA, supB],
      'supervision-forbidden',
    ],
    ['a supervisor, themselves', supA, supA, [supA, null], 'supervision-forbidden'],
    ['an admin, themselves', admin, admin, [admin, null], 'supervision-forbidden'],
    ['a supervisor, a call they are a party of', supA, agentA, [agentA, supA], 'supervision-forbidden'],
    ['an admin, a call they are a party of', admin, agentA, [agentA, admin], 'supervision-forbidden'],
    ['a supervisor, a call the agent is not on', supA, agentA, [agentA2, null], 'no-call-to-supervise'],
  ])('%s → %s', (_name, supervisor, target, callParties, expected) => {
    const verdict = maySupervise({ supervisor, target, ...(callParties ? { callParties } : {}) });
    expect(verdict.ok ? 'ok' : verdict.code).toBe(expected);
    if (!verdict.ok) expect(verdict.reason).toMatch(/\w/);
  });
});

describe('who sees a session (GET /api/supervision, events)', () => {
  const session = (mode: string) => ({
    supervisorUserId: supA.userId,
    targetUserId: agentA.userId,
    targetTeamId: 'team-a',
    mode,
  });
  it.each<[string, SupervisionPerson, string, boolean]>([
    ['an admin', admin, 'monitor', true],
    ['the supervisor', supA, 'whisper', true],
    ['another supervisor of the team', supA2, 'monitor', true],
    ['a supervisor of another team', supB, 'monitor', false],
    ['the agent, in monitor', agentA, 'monitor', false],
    ['the agent, in whisper', agentA, 'whisper', false],
    ['the agent, in barge', agentA, 'barge', true],
    ['another agent, in barge', agentA2, 'barge', false],
  ])('%s, %s → %s', (_name, viewer, mode, expected) => {
    expect(canSeeSession(viewer, session(mode))).toBe(expected);
  });
});
