import { writeAudit } from '../../db/audit.repository.js';
import {
  deleteAssignment,
  listAssignments,
  upsertAssignment,
  type ContactAssignment,
} from '../../db/contact-assignments.repository.js';
import type { Db } from '../../db/database.js';
import type { PageRequest } from '../../db/pagination.js';
import { findUserById } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { asActor, requireRole } from '../users/actor.js';
import { readableContact, writableContact } from './contact-checks.js';
import { contactAudit } from './contacts.audit.js';
import { canAssign } from './contacts.access.js';

/**
 * Which agents a contact is assigned to: admins and supervisors read them for the contacts they see, and change
 * them for the contacts they may change, assigning only whom they may (see contacts.access.ts).
 */
export function createContactAssignmentsService(db: Db) {
  /** In `trx`: the contact is the actor's to change (locked), and the user theirs to assign. */
  const assignable = async (trx: Db, actor: Principal, contactId: string, userId: string) => {
    const contact = await writableContact(trx, actor, contactId);
    const user = await findUserById(trx, userId);
    if (!user) throw new AppError('no-such-user', 'user not found');
    if (!canAssign(actor, user))
      throw new AppError('forbidden', 'you may assign only members of your own team');
    return { contact, user };
  };
  const manager = async (principal: Principal) => {
    const actor = principal;
    requireRole(actor, 'admin', 'supervisor');
    return actor;
  };

  return {
    async list(principal: Principal, contactId: string, page: PageRequest) {
      await readableContact(db, await manager(principal), contactId);
      return listAssignments(db, contactId, page);
    },
    async put(
      principal: Principal,
      contactId: string,
      userId: string,
      active: boolean,
    ): Promise<ContactAssignment> {
      const actor = await manager(principal);
      return asActor(db, actor, async (trx) => {
        const { contact } = await assignable(trx, actor, contactId, userId);
        const assignment = await upsertAssignment(trx, contactId, userId, active);
        await writeAudit(trx, contactAudit(actor, 'contact.assigned', contact, { userId, active }));
        return assignment;
      });
    },
    async remove(principal: Principal, contactId: string, userId: string): Promise<void> {
      const actor = await manager(principal);
      await asActor(db, actor, async (trx) => {
        const { contact } = await assignable(trx, actor, contactId, userId);
        if (!(await deleteAssignment(trx, contactId, userId))) {
          throw new AppError('not-found', 'that user is not assigned to this contact');
        }
        await writeAudit(trx, contactAudit(actor, 'contact.unassigned', contact, { userId }));
      });
    },
  };
}

export type ContactAssignmentsService = ReturnType<typeof createContactAssignmentsService>;
