import type { Config } from '../../config.js';
import { writeAudit } from '../../db/audit.repository.js';
import {
  deleteContact,
  findContactByNumber,
  insertContact,
  listContacts,
  noSuchContact,
  updateContact,
  type Contact,
} from '../../db/contacts.repository.js';
import type { Db } from '../../db/database.js';
import { findNote, insertNote, listNotes, updateNoteBody, type Note } from '../../db/notes.repository.js';
import type { PageRequest } from '../../db/pagination.js';
import type { ContactUpdate } from '../../db/tables/contacts.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { asActor } from '../users/actor.js';
import { cannotWrite, readableContact, writableContact } from './contact-checks.js';
import { contactAudit, contactChanges } from './contacts.audit.js';
import { canWriteContact, contactScope, defaultContactTeam } from './contacts.access.js';
import type { CreateContactBody, UpdateContactBody } from './contacts.schemas.js';
import { dialingPlanOf, toE164, type DialingPlan } from './phone-number.js';

/** Contacts and their notes, within each caller's contact scope (contacts.access.ts). */
export function createContactsService(deps: { db: Db; config: Config }) {
  const { db } = deps;
  const plan = dialingPlanOf(deps.config);

  const readable = async (principal: Principal, id: string) => {
    const actor = principal;
    return { actor, contact: await readableContact(db, actor, id) };
  };

  return {
    async list(principal: Principal, q: string | undefined, page: PageRequest) {
      const actor = principal;
      return listContacts(db, contactScope(actor), { q }, page);
    },
    get: async (principal: Principal, id: string): Promise<Contact> =>
      (await readable(principal, id)).contact,

    /** Caller-ID matching, within what the caller may see: a contact out of scope is "no contact has that number". */
    async lookup(principal: Principal, number: string): Promise<Contact> {
      const actor = principal;
      const contact = await findContactByNumber(db, normalise([number], plan)[0]!, contactScope(actor));
      if (!contact) throw new AppError('no-such-contact', 'no contact has that number');
      return contact;
    },

    async create(principal: Principal, body: CreateContactBody): Promise<Contact> {
      const actor = principal;
      const teamId = body.teamId === undefined ? defaultContactTeam(actor) : body.teamId;
      if (!canWriteContact(actor, { teamId })) throw cannotWrite();
      const values = {
        name: body.name,
        company: body.company ?? '',
        phone_numbers: normalise(body.phoneNumbers, plan),
        notes: body.description ?? '',
        team_id: teamId,
      };
      return asActor(db, actor, async (trx) => {
        const contact = await insertContact(trx, values);
        await writeAudit(trx, contactAudit(actor, 'contact.created', contact));
        return contact;
      });
    },
    async update(principal: Principal, id: string, body: UpdateContactBody): Promise<Contact> {
      const actor = principal;
      const changes = toContactUpdate(body, plan);
      return asActor(db, actor, async (trx) => {
        const before = await writableContact(trx, actor, id);
        if (body.teamId !== undefined && !canWriteContact(actor, { teamId: body.teamId }))
          throw cannotWrite();
        const contact = await updateContact(trx, id, changes);
        if (!contact) throw noSuchContact();
        await writeAudit(
          trx,
          contactAudit(actor, 'contact.updated', contact, contactChanges(before, contact)),
        );
        return contact;
      });
    },
    async remove(principal: Principal, id: string): Promise<void> {
      const actor = principal;
      await asActor(db, actor, async (trx) => {
        const contact = await writableContact(trx, actor, id);
        await deleteContact(trx, id);
        await writeAudit(trx, contactAudit(actor, 'contact.deleted', contact));
      });
    },

    async notes(principal: Principal, id: string, page: PageRequest) {
      await readable(principal, id);
      return listNotes(db, { contactId: id }, page);
    },
    async addNote(principal: Principal, id: string, body: string): Promise<Note> {
      const { actor } = await readable(principal, id);
      return insertNote(db, { contactId: id }, actor.userId, body);
    },
    /** Its author (who may still see the contact), a supervisor who may change the contact, admins. */
    async editNote(principal: Principal, id: string, noteId: string, body: string): Promise<Note> {
      const { actor, contact } = await readable(principal, id);
      const note = await findNote(db, { contactId: id }, noteId);
      if (!note) throw new AppError('no-such-note', 'note not found');
      if (note.authorUserId !== actor.userId && !canWriteContact(actor, contact)) {
        throw new AppError('forbidden', "you may edit only your own notes, or your team's contacts' as supervisor");
      }
      return updateNoteBody(db, noteId, body);
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;

function toContactUpdate(body: UpdateContactBody, plan: DialingPlan): ContactUpdate {
  const changes: ContactUpdate = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.company !== undefined) changes.company = body.company;
  if (body.phoneNumbers !== undefined) changes.phone_numbers = normalise(body.phoneNumbers, plan);
  if (body.description !== undefined) changes.notes = body.description;
  if (body.teamId !== undefined) changes.team_id = body.teamId;
  return changes;
}

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
