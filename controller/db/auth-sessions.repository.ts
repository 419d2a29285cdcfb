import { sql } from 'kysely';
import type { SessionState } from '../features/auth/session-rules.js';
import type { Db } from './database.js';
import type { UserRow } from './tables/users.js';

/** A user row with the state of one of their sessions: what every authenticated request checks, in one query. */
export interface UserWithSession {
  user: UserRow;
  session: { userId: string; revokedAt: Date | null; expiresAt: Date; refreshGeneration: number } | null;
}

/** What the session rules judge; a session id that is not the user's reads as revoked. */
export const sessionState = ({ user, session }: UserWithSession): SessionState => ({
  userTokenVersion: user.token_version,
  sessionUserId: session?.userId ?? '',
  revokedAt: session?.revokedAt ?? null,
  expiresAt: session?.expiresAt ?? new Date(0),
});

export async function createSession(db: Db, userId: string, expiresAt: Date): Promise<{ id: string }> {
  return db
    .insertInto('auth_sessions')
    .values({ user_id: userId, expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function findUserWithSession(
  db: Db,
  userId: string,
  sessionId: string,
  options: { lock?: boolean } = {},
): Promise<UserWithSession | undefined> {
  let query = db
    .selectFrom('users')
    .leftJoin('auth_sessions', (join) =>
      join.onRef('auth_sessions.user_id', '=', 'users.id').on('auth_sessions.id', '=', sessionId),
    )
    .selectAll('users')
    .select([
      'auth_sessions.user_id as session_user_id',
      'auth_sessions.revoked_at as session_revoked_at',
      'auth_sessions.expires_at as session_expires_at',
      'auth_sessions.refresh_generation as session_generation',
    ])
    .where('users.id', '=', userId);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const { session_user_id, session_revoked_at, session_expires_at, session_generation, ...user } = row;
  const session =
    session_user_id && session_expires_at && session_generation !== null
      ? {
          userId: session_user_id,
          revokedAt: session_revoked_at,
          expiresAt: session_expires_at,
          refreshGeneration: session_generation,
        }
      : null;
  return { user: user as UserRow, session };
}

/** Moves a session to its next refresh generation, only if `generation` is still its current one. */
export async function advanceRefreshGeneration(
  db: Db,
  sessionId: string,
  generation: number,
): Promise<boolean> {
  const result = await db
    .updateTable('auth_sessions')
    .set({ refresh_generation: generation + 1 })
    .where('id', '=', sessionId)
    .where('refresh_generation', '=', generation)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .updateTable('auth_sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every token of a user at once: their sessions are revoked and their token version moves on. */
export async function revokeAllSessions(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ token_version: sql<number>`token_version + 1` })
    .where('id', '=', userId)
    .execute();
  await db
    .updateTable('auth_sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** A user's sessions that ended a day ago or more are of no use to anyone (swept at each of their log-ins). */
export async function deleteStaleSessions(db: Db, userId: string): Promise<void> {
  await db
    .deleteFrom('auth_sessions')
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', sql<Date>`now() - interval '1 day'`),
        eb('revoked_at', '<', sql<Date>`now() - interval '1 day'`),
      ]),
    )
    .execute();
}
