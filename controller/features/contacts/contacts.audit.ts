import { auditActor, auditTarget, type NewAuditEntry } from '../../db/audit.repository.js';
import type { Contact } from '../../db/contacts.repository.js';
import type { Principal } from '../../http/auth.js';

export type ContactAction =
  'contact.created' | 'contact.updated' | 'contact.deleted' | 'contact.assigned' | 'contact.unassigned';

/** An audit entry about a contact, by `actor` (written in the transaction of the change). */
export const contactAudit = (
  actor: Principal,
  action: ContactAction,
  contact: Pick<Contact, 'id' | 'name' | 'teamId'>,
  details: Record<string, unknown> = {},
): NewAuditEntry => ({
  actorUserId: actor.userId,
  actor: auditActor(actor),
  action,
  target: auditTarget.contact(contact.id),
  details: { name: contact.name, teamId: contact.teamId, ...details },
});

const compared = ['name', 'company', 'phoneNumbers', 'teamId'] as const;

/**
 * What an update changed: old and new values of the short fields; the free-text description only as changed
 * (the log keeps who touched it and when, not a second copy of the text).
 */
export function contactChanges(before: Contact, after: Contact): Record<string, unknown> {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const changes = Object.fromEntries(
    compared.filter((f) => !same(before[f], after[f])).map((f) => [f, { from: before[f], to: after[f] }]),
  );
  return { changes, descriptionChanged: before.description !== after.description };
}
