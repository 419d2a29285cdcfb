import { z } from 'zod';
import { pageQueryShape, pageSchema } from '../../db/pagination.js';

export const teamSchema = z.object({ id: z.uuid(), name: z.string(), createdAt: z.string() });
export const teamBody = z.strictObject({ name: z.string().trim().min(1).max(100) });
export const teamIdParams = z.object({ id: z.uuid() });
export const listTeamsQuery = z.strictObject({ ...pageQueryShape });
export const teamPageSchema = pageSchema(teamSchema);
