import {
  deleteAssignment,
  listAssignments,
  upsertAssignment,
  type ContactAssignment,
} from '../../db/contact-assignments.repository.js';
import { findContactById, noSuchContact } from '../../db/contacts.repository.js';
import type { Db } from '../../db/database.js';
import type { PageRequest } from '../../db/pagination.js';
import { findUserById } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { currentActor, requireRole } from '../users/actor.js';
import { canAssign } from './contacts.access.js';

/** Which agents a contact is assigned to: admins and supervisors read and change them (see contacts.access.ts). */
export function createContactAssignmentsService(db: Db) {
  const assigner = async (principal: Principal, userId: string) => {
    const actor = await currentActor(db, principal);
    requireRole(actor, 'admin', 'supervisor');
    const user = await findUserById(db, userId);
    if (!user) throw new AppError('no-such-user', 'user not found');
    if (!canAssign(actor, user))
      throw new AppError('forbidden', 'you may assign only members of your own team');
  };

  return {
    async list(principal: Principal, contactId: string, page: PageRequest) {
      requireRole(await currentActor(db, principal), 'admin', 'supervisor');
      if (!(await findContactById(db, contactId))) throw noSuchContact();
      return listAssignments(db, contactId, page);
    },
    async put(
      principal: Principal,
      contactId: string,
      userId: string,
      active: boolean,
    ): Promise<ContactAssignment> {
      await assigner(principal, userId);
      return upsertAssignment(db, contactId, userId, active);
    },
    async remove(principal: Principal, contactId: string, userId: string): Promise<void> {
      await assigner(principal, userId);
      if (!(await deleteAssignment(db, contactId, userId))) {
        throw new AppError('not-found', 'that user is not assigned to this contact');
      }
    },
  };
}

export type ContactAssignmentsService = ReturnType<typeof createContactAssignmentsService>;
