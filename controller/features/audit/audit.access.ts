import type { UserScope } from '../../db/users.repository.js';
import type { Principal } from '../../http/auth.js';

/**
 * Who reads the audit log. Admins: everything. Supervisors: what was done by or to the members of their own team
 * (an agent's hot desk log-ins, who supervised their calls, changes to their accounts), so they can answer for
 * their team without seeing the rest of the office; without a team, only their own entries. Agents: nothing
 * (the route refuses them).
 */
export function auditScope(actor: Principal): UserScope | undefined {
  if (actor.role === 'admin') return { kind: 'all' };
  if (actor.role !== 'supervisor') return undefined;
  return actor.teamId ? { kind: 'team', teamId: actor.teamId } : { kind: 'self', userId: actor.userId };
}
