import type { UserScope } from '../../db/users.repository.js';
import type { Principal } from '../../http/auth.js';

/**
 * Who may see and change users. Admins: everyone. Supervisors: themselves and the members of their own team.
 * Agents: only themselves. Only admins create, change or delete users, and nobody deletes or demotes themselves
 * (so at least one admin always remains).
 */
export function canReadUser(actor: Principal, user: { id: string; teamId: string | null }): boolean {
  if (actor.role === 'admin' || user.id === actor.userId) return true;
  return actor.role === 'supervisor' && actor.teamId !== null && user.teamId === actor.teamId;
}

export function userListScope(actor: Principal): UserScope {
  if (actor.role === 'admin') return { kind: 'all' };
  if (actor.role === 'supervisor' && actor.teamId) return { kind: 'team', teamId: actor.teamId };
  return { kind: 'self', userId: actor.userId };
}

export const canWriteUsers = (actor: Principal): boolean => actor.role === 'admin';

/** Why `actor` may not make this change to their own account, or undefined. */
export function selfChangeProblem(
  actor: Principal,
  userId: string,
  change: 'delete' | { role?: string },
): string | undefined {
  if (userId !== actor.userId) return undefined;
  if (change === 'delete') return 'you cannot delete your own account';
  if (change.role !== undefined && change.role !== actor.role) return 'you cannot change your own role';
  return undefined;
}
