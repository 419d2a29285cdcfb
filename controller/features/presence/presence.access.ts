import type { Principal } from '../../http/auth.js';

/**
 * Who sees whose presence. Admins and supervisors: everyone (they watch the floor, as they see every live call).
 * Agents: themselves and the members of their own team (the colleagues they hand calls to); an agent without a
 * team sees only themselves. 3CX shows everyone to everyone; we narrow agents to their team as the rest of the API
 * narrows them (calls, users), and the routing of customers' calls (by team) needs nothing wider.
 */
export function canSeePresence(
  principal: Principal,
  user: { userId: string; teamId: string | null },
): boolean {
  if (principal.role === 'admin' || principal.role === 'supervisor') return true;
  if (user.userId === principal.userId) return true;
  return principal.teamId !== null && user.teamId === principal.teamId;
}

/** Who may set a user's free-text status: the user themselves and admins. */
export const canSetStatus = (principal: Principal, userId: string): boolean =>
  principal.role === 'admin' || principal.userId === userId;
