import type { ContactFilter } from '../../db/contacts.repository.js';
import type { Principal } from '../../http/auth.js';

/**
 * Who may see and change contacts. Admins and supervisors see every contact (a supervisor routes calls for the
 * whole office) and create, change, delete and assign them; supervisors assign only themselves and members of their
 * own team. Agents see, and write notes on, only the contacts actively assigned to them. The caller-ID lookup is
 * open to every role (an agent's incoming-call popup needs it before any assignment).
 */
export const canWriteContacts = (actor: Principal): boolean => actor.role !== 'agent';

export const contactListScope = (actor: Principal): Pick<ContactFilter, 'assignedTo'> =>
  actor.role === 'agent' ? { assignedTo: actor.userId } : {};

/** `assigned`: whether the contact is actively assigned to the actor (only asked for agents). */
export const canReadContact = (actor: Principal, assigned: () => Promise<boolean>): Promise<boolean> =>
  actor.role === 'agent' ? assigned() : Promise.resolve(true);

export function canAssign(actor: Principal, user: { id: string; teamId: string | null }): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role !== 'supervisor') return false;
  return user.id === actor.userId || (actor.teamId !== null && user.teamId === actor.teamId);
}
