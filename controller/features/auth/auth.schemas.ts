import { z } from 'zod';
import { userSchema } from '../users/users.schemas.js';

export const loginBody = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});

const tokenPair = {
  token: z.string().describe('Bearer access token (short-lived)'),
  refreshToken: z.string().describe('Single-use: POST /api/auth/refresh exchanges it for the next pair'),
  expiresIn: z.number().int().describe('Seconds until `token` expires'),
};

export const loginResponse = z.object({ ...tokenPair, user: userSchema });

export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(4096) });

export const refreshResponse = z.object(tokenPair);

export const logoutBody = z
  .strictObject({ everywhere: z.boolean().default(false).describe('End every session of this user') })
  .default({ everywhere: false });

export const ticketResponse = z.object({
  ticket: z.string().describe('Open /api/events?ticket=… with it, once'),
  expiresInSeconds: z.number().int(),
});
