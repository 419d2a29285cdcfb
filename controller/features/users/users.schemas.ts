import { z } from 'zod';

export const roleSchema = z.enum(['admin', 'supervisor', 'agent']);

/** A user as the API returns it. Passwords, SIP password and PIN are write-only and never appear here. */
export const userSchema = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  extension: z.string(),
  role: roleSchema,
  teamId: z.string().uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
