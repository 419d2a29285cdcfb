import type { Config } from '../../config.js';
import { isAssigned } from '../../db/contact-assignments.repository.js';
import {
  deleteContact,
  findContactById,
  findContactByNumber,
  insertContact,
  listContacts,
  noSuchContact,
  updateContact,
  type Contact,
} from '../../db/contacts.repository.js';
import type { Db } from '../../db/database.js';
import { insertNote, listNotes, type Note } from '../../db/notes.repository.js';
import type { PageRequest } from '../../db/pagination.js';
import type { ContactUpdate } from '../../db/tables/contacts.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { currentActor } from '../users/actor.js';
import { canReadContact, canWriteContacts, contactScope } from './contacts.access.js';
import type { CreateContactBody, UpdateContactBody } from './contacts.schemas.js';
import { dialingPlanOf, toE164, type DialingPlan } from './phone-number.js';

export function createContactsService(deps: { db: Db; config: Config }) {
  const { db } = deps;
  const plan = dialingPlanOf(deps.config);

  const writer = async (principal: Principal) => {
    const actor = await currentActor(db, principal);
    if (!canWriteContacts(actor))
      throw new AppError('forbidden', 'only admins and supervisors change contacts');
    return actor;
  };

  /** The contact, if the caller may see it: 404 when there is none, 403 when it is not theirs to see. */
  const readable = async (principal: Principal, id: string) => {
    const actor = await currentActor(db, principal);
    const contact = await findContactById(db, id);
    if (!contact) throw noSuchContact();
    if (!canReadContact(actor, { assigned: await isAssigned(db, id, actor.userId) })) {
      throw new AppError('forbidden', 'this contact is not assigned to you');
    }
    return { actor, contact };
  };

  return {
    async list(principal: Principal, q: string | undefined, page: PageRequest) {
      const actor = await currentActor(db, principal);
      return listContacts(db, contactScope(actor), { q }, page);
    },
    get: async (principal: Principal, id: string): Promise<Contact> =>
      (await readable(principal, id)).contact,

    /** Caller-ID matching, within what the caller may see: a contact out of scope is "no contact has that number". */
    async lookup(principal: Principal, number: string): Promise<Contact> {
      const actor = await currentActor(db, principal);
      const contact = await findContactByNumber(db, normalise([number], plan)[0]!, contactScope(actor));
      if (!contact) throw new AppError('no-such-contact', 'no contact has that number');
      return contact;
    },

    async create(principal: Principal, body: CreateContactBody): Promise<Contact> {
      await writer(principal);
      return insertContact(db, {
        name: body.name,
        company: body.company ?? '',
        phone_numbers: normalise(body.phoneNumbers, plan),
        notes: body.description ?? '',
      });
    },
    async update(principal: Principal, id: string, body: UpdateContactBody): Promise<Contact> {
      await writer(principal);
      const changes: ContactUpdate = {};
      if (body.name !== undefined) changes.name = body.name;
      if (body.company !== undefined) changes.company = body.company;
      if (body.phoneNumbers !== undefined) changes.phone_numbers = normalise(body.phoneNumbers, plan);
      if (body.description !== undefined) changes.notes = body.description;
      const contact = await updateContact(db, id, changes);
      if (!contact) throw noSuchContact();
      return contact;
    },
    async remove(principal: Principal, id: string): Promise<void> {
      await writer(principal);
      if (!(await deleteContact(db, id))) throw noSuchContact();
    },

    async notes(principal: Principal, id: string, page: PageRequest) {
      await readable(principal, id);
      return listNotes(db, { contactId: id }, page);
    },
    async addNote(principal: Principal, id: string, body: string): Promise<Note> {
      const { actor } = await readable(principal, id);
      return insertNote(db, { contactId: id }, actor.userId, body);
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;

/** Each number in E.164, without duplicates; the first one that is not a phone number is a 400. */
function normalise(numbers: string[], plan: DialingPlan): string[] {
  const normalised = numbers.map((written) => {
    const number = toE164(written, plan);
    if (!number) {
      throw new AppError('invalid-phone-number', `"${written}" is not a phone number`, { number: written });
    }
    return number;
  });
  return [...new Set(normalised)];
}
