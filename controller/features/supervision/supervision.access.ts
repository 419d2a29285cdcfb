import type { Role } from '../../db/tables/users.js';

/** Someone in a supervision: the supervisor, the supervised agent, or another party of the agent's call. */
export interface SupervisionPerson {
  userId: string;
  role: Role;
  teamId: string | null;
}

/** Why a supervision is refused: the code the API answers (403) and the phone hears as a prompt. */
export type SupervisionRefusalCode = 'supervision-forbidden' | 'no-call-to-supervise';

export type SupervisionVerdict = { ok: true } | { ok: false; code: SupervisionRefusalCode; reason: string };

export interface SupervisionRequest {
  supervisor: SupervisionPerson;
  /** The agent whose call is to be supervised. */
  target: SupervisionPerson;
  /**
   * The users taking part in the agent's call now (the agent included; outside parties have no user), or undefined
   * when the agent is on no call (checked again when the call comes, for a session that waits).
   */
  callParties?: readonly (SupervisionPerson | null)[];
}

const refuse = (code: SupervisionRefusalCode, reason: string): SupervisionVerdict => ({
  ok: false,
  code,
  reason,
});

/** Supervisors and admins only, and a supervisor never over a supervisor or an admin (admins over anyone). */
function outranks(supervisor: SupervisionPerson, other: SupervisionPerson): boolean {
  if (supervisor.role === 'admin') return true;
  return supervisor.role === 'supervisor' && other.role === 'agent';
}

/**
 * Whether `supervisor` may supervise `target`'s call (SPEC "Supervision", issue 10). Pure; checked against the
 * users' current rows at the start of a session and again whenever its call changes:
 * - only supervisors and admins supervise;
 * - a supervisor only agents of their own team (neither without a team);
 * - nobody supervises a supervisor or an admin unless they are an admin; an admin may supervise another admin
 *   (admins are the top of the hierarchy and already read every audit entry; the audit log records it);
 * - the same rank rule holds for every other user on the call: a supervisor does not listen in on a call with a
 *   supervisor or an admin on it, whoever its agent is (agents of other teams as the other party are fine);
 * - nobody supervises a call they are a party of (themselves included).
 */
export function maySupervise(request: SupervisionRequest): SupervisionVerdict {
  const { supervisor, target, callParties } = request;
  if (supervisor.role !== 'admin' && supervisor.role !== 'supervisor')
    return refuse('supervision-forbidden', 'only supervisors and admins may supervise calls');
  if (supervisor.userId === target.userId)
    return refuse('supervision-forbidden', 'nobody supervises their own call');
  if (!outranks(supervisor, target))
    return refuse('supervision-forbidden', `a ${supervisor.role} may not supervise a ${target.role}`);
  if (supervisor.role === 'supervisor' && (supervisor.teamId === null || supervisor.teamId !== target.teamId))
    return refuse('supervision-forbidden', 'a supervisor supervises only agents of their own team');
  if (!callParties) return { ok: true };
  const users = callParties.filter((party): party is SupervisionPerson => party !== null);
  if (users.some((party) => party.userId === supervisor.userId))
    return refuse('supervision-forbidden', 'nobody supervises a call they are a party of');
  if (!users.some((party) => party.userId === target.userId))
    return refuse('no-call-to-supervise', 'the agent is not on this call');
  const above = users.find((party) => party.userId !== target.userId && !outranks(supervisor, party));
  if (above)
    return refuse(
      'supervision-forbidden',
      `a ${supervisor.role} may not listen in on a call with a ${above.role}`,
    );
  return { ok: true };
}

/** Who may use the supervision API at all (the rest is `maySupervise`). */
export const canSupervise = (role: Role): boolean => role === 'admin' || role === 'supervisor';

/** Who sees a session (GET /api/supervision, the events): admins all, a supervisor their own and their team's. */
export function canSeeSession(
  viewer: { userId: string; role: Role; teamId: string | null },
  session: { supervisorUserId: string; targetTeamId: string | null; targetUserId: string; mode: string },
): boolean {
  if (viewer.role === 'admin') return true;
  if (viewer.role === 'supervisor')
    return (
      session.supervisorUserId === viewer.userId ||
      (viewer.teamId !== null && viewer.teamId === session.targetTeamId)
    );
  // An agent learns of a supervision only when the supervisor has joined the call for everyone to hear.
  return session.mode === 'barge' && session.targetUserId === viewer.userId;
}
