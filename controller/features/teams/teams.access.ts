import type { Principal } from '../../http/auth.js';

/** Admins see and change every team; supervisors and agents see only their own team, and change none. */
export const canReadTeam = (actor: Principal, teamId: string): boolean =>
  actor.role === 'admin' || actor.teamId === teamId;

/** The one team a non-admin may list (null: none), or undefined for all. */
export const visibleTeam = (actor: Principal): string | null | undefined =>
  actor.role === 'admin' ? undefined : actor.teamId;
