import type { ContactScope } from '../../db/contacts.repository.js';
import type { Principal } from '../../http/auth.js';

/**
 * Who may see and change contacts. Admins and supervisors see every contact (a supervisor routes calls for the
 * whole office) and create, change, delete and assign them; supervisors assign only themselves and members of their
 * own team. Agents see, look up by number, and write notes on, only the contacts actively assigned to them; to an
 * agent any other contact does not exist in a caller-ID lookup (404, so a number does not reveal a contact).
 */
export const canWriteContacts = (actor: Principal): boolean => actor.role !== 'agent';

/** The contacts `actor` may see: every list, lookup and read goes through this one scope. */
export const contactScope = (actor: Principal): ContactScope =>
  actor.role === 'agent' ? { kind: 'assigned', userId: actor.userId } : { kind: 'all' };

/** Whether `actor` may see one contact; `assigned`: it is actively assigned to the actor. Agrees with `contactScope`. */
export const canReadContact = (actor: Principal, contact: { assigned: boolean }): boolean =>
  actor.role !== 'agent' || contact.assigned;

export function canAssign(actor: Principal, user: { id: string; teamId: string | null }): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role !== 'supervisor') return false;
  return user.id === actor.userId || (actor.teamId !== null && user.teamId === actor.teamId);
}
