import type { Db } from '../../db/database.js';
import { findUserRowByUsername, toUser, type User } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Auth } from '../../http/auth.js';
import type { AttemptLimiter } from './attempt-limiter.js';
import { verifySecret } from './password.js';

// Verifying against a real hash when the user does not exist keeps both answers equally slow.
const decoyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function createAuthService(db: Db, auth: Auth, limiter: AttemptLimiter) {
  return {
    async login(username: string, password: string, ip: string): Promise<{ token: string; user: User }> {
      const keys = [`user:${username.toLowerCase()}`, `ip:${ip}`];
      if (!(await limiter.allow(keys))) {
        throw new AppError('rate-limited', 'too many login attempts, try again later');
      }
      const row = await findUserRowByUsername(db, username);
      const valid = await verifySecret(password, row?.password_hash ?? decoyHash);
      if (!row || !valid) throw new AppError('invalid-credentials', 'wrong username or password');
      await limiter.reset([keys[0]!]);
      const user = toUser(row);
      const token = await auth.sign({
        userId: user.id,
        username: user.username,
        role: user.role,
        extension: user.extension,
        teamId: user.teamId,
      });
      return { token, user };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
