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

/**
 * Who writes and edits notes on a call: whoever handled it (placed or answered it), a supervisor of their team, and
 * admins (the scope is `callLogScope`, narrowed by the service to calls its users handled). An agent edits only the
 * notes they wrote; a supervisor or an admin any note of a call they may note.
 */
export function mayEditNote(actor: Principal, note: { authorUserId: string | null }): boolean {
  return actor.role !== 'agent' || note.authorUserId === actor.userId;
}
