import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';

export const contactSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  company: z.string(),
  phoneNumbers: z.array(z.string()).describe('E.164'),
  description: z.string().describe('free text about the contact'),
  teamId: z.uuid().nullable().describe('the owning team; null = shared by the whole office'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const fields = {
  name: z.string().trim().min(1).max(200),
  company: z.string().trim().max(200),
  phoneNumbers: z.array(z.string().min(1).max(40)).max(20).describe('as written; stored in E.164'),
  description: z.string().max(4000),
  teamId: z
    .uuid()
    .nullable()
    .describe(
      "the owning team, null = shared (supervisors: only their own team's; default the creator's team)",
    ),
};

export const createContactBody = z.strictObject({
  name: fields.name,
  company: fields.company.optional(),
  phoneNumbers: fields.phoneNumbers.default([]),
  description: fields.description.optional(),
  teamId: fields.teamId.optional(),
});
export type CreateContactBody = z.infer<typeof createContactBody>;

export const updateContactBody = z
  .strictObject({
    name: fields.name.optional(),
    company: fields.company.optional(),
    phoneNumbers: fields.phoneNumbers.optional(),
    description: fields.description.optional(),
    teamId: fields.teamId.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateContactBody = z.infer<typeof updateContactBody>;

export const contactIdParams = z.object({ id: z.uuid() });
export const assignmentParams = z.object({ id: z.uuid(), userId: z.uuid() });

export const listContactsQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional(),
  ...pageQueryShape,
});
export const lookupQuery = z.strictObject({ number: z.string().min(1).max(40) });
export const pageQuery = z.strictObject({ ...pageQueryShape });

export const contactPageSchema = pageSchema(contactSchema);

export const assignmentSchema = z.object({
  contactId: z.uuid(),
  userId: z.uuid(),
  active: z.boolean(),
  createdAt: z.string(),
});
export const assignmentBody = z.strictObject({ active: z.boolean() });
export const assignmentPageSchema = pageSchema(assignmentSchema);

export const noteSchema = z.object({
  id: z.uuid(),
  callLogId: z.uuid().nullable(),
  contactId: z.uuid().nullable(),
  authorUserId: z.uuid().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
  updatedAt: z.string().nullable().describe('when the note was last edited; null if never'),
});
export const noteBody = z.strictObject({ body: z.string().trim().min(1).max(4000) });
export const notePageSchema = pageSchema(noteSchema);
export const contactNoteParams = z.object({ id: z.uuid(), noteId: z.uuid() });
