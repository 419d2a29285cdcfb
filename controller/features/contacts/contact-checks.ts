import { isAssigned } from '../../db/contact-assignments.repository.js';
import {
  findContactById,
  lockContactById,
  noSuchContact,
  type Contact,
} from '../../db/contacts.repository.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { canReadContact, canWriteContact } from './contacts.access.js';

/** The contact, if `actor` may see it: 404 when there is none, 403 when it is not theirs to see. */
export async function readableContact(db: Db, actor: Principal, id: string): Promise<Contact> {
  const contact = await findContactById(db, id);
  if (!contact) throw noSuchContact();
  const assigned = await isAssigned(db, id, actor.userId);
  if (!canReadContact(actor, { teamId: contact.teamId, assigned })) {
    throw new AppError('forbidden', 'this contact is not yours to see');
  }
  return contact;
}

/**
 * The contact, locked for the rest of the transaction `trx`, if `actor` may change it: 404 when there is none, 403
 * when it is not theirs to change. The lock keeps another request from moving it to another team meanwhile.
 */
export async function writableContact(trx: Db, actor: Principal, id: string): Promise<Contact> {
  const contact = await lockContactById(trx, id);
  if (!contact) throw noSuchContact();
  if (!canWriteContact(actor, contact)) throw cannotWrite();
  return contact;
}

export const cannotWrite = () =>
  new AppError(
    'forbidden',
    "you may change only your own team's contacts (and not give them to another team)",
  );
