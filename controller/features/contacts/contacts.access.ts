import type { ContactScope } from '../../db/contacts.repository.js';
import type { Principal } from '../../http/auth.js';

/**
 * Who may see and change contacts (README "Who sees what"). A contact belongs to a team, or to nobody (`teamId`
 * null: shared by the whole office).
 *
 * - Admins see, create, change, delete and assign every contact.
 * - Supervisors see their own team's contacts and the shared ones. They create, change, delete and assign only
 *   their own team's (a new contact is their team's); they cannot move a contact to another team or share it, and
 *   they assign only themselves and members of their own team. A supervisor without a team sees the shared
 *   contacts and changes none.
 * - Agents see, look up by number, and write notes on, only the contacts actively assigned to them.
 *
 * Out of scope, a contact is 403 when asked for by id and does not exist at all in a list or a caller-ID lookup
 * (404 `no-such-contact`, so a number does not reveal a contact).
 */

/** The contacts `actor` may see, as a query narrows them; `canReadContact` says the same of one contact. */
export function contactScope(actor: Principal): ContactScope {
  switch (actor.role) {
    case 'admin':
      return { kind: 'all' };
    case 'supervisor':
      return { kind: 'team', teamId: actor.teamId };
    case 'agent':
      return { kind: 'assigned', userId: actor.userId };
    default: {
      const never: never = actor.role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}

/** `assigned`: the contact is actively assigned to the actor. */
export function canReadContact(
  actor: Principal,
  contact: { teamId: string | null; assigned: boolean },
): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'supervisor') return contact.teamId === null || contact.teamId === actor.teamId;
  return contact.assigned;
}

/**
 * Whether `actor` may create, change, delete or assign a contact of this team. A change must pass for the contact
 * as it is and as it would be, so a supervisor can neither take another team's contact nor give theirs away.
 */
export function canWriteContact(actor: Principal, contact: { teamId: string | null }): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'supervisor' && actor.teamId !== null && contact.teamId === actor.teamId;
}

/** The team of a contact created without one: the creator's (an admin without a team creates shared contacts). */
export const defaultContactTeam = (actor: Principal): string | null => actor.teamId;

/** Whether `actor` may assign this user to a contact they may write. */
export function canAssign(actor: Principal, user: { id: string; teamId: string | null }): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role !== 'supervisor') return false;
  return user.id === actor.userId || (actor.teamId !== null && user.teamId === actor.teamId);
}
