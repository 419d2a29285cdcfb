import type { UserScope } from '../../db/users.repository.js';
import type { Principal } from '../../http/auth.js';

/**
 * Whose calls a caller sees, and may note: admins every call; supervisors the calls of their team's members
 * (themselves only, without a team); agents the calls they took part in (placed, answered or were rung for).
 */
export function callLogScope(actor: Principal): UserScope {
  if (actor.role === 'admin') return { kind: 'all' };
  if (actor.role === 'supervisor' && actor.teamId) return { kind: 'team', teamId: actor.teamId };
  return { kind: 'self', userId: actor.userId };
}
