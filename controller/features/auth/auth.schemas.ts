import { z } from 'zod';
import { userSchema } from '../users/users.schemas.js';

export const loginBody = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});

export const loginResponse = z.object({ token: z.string(), user: userSchema });
