import type { Db } from './database.js';

/** Do not disturb: the user's flag (`users.dnd`), the one place every feature reads and writes it. */

export interface DndState {
  userId: string;
  extension: string;
  enabled: boolean;
}

/** Sets the flag; undefined when there is no such user. */
export async function setDnd(db: Db, userId: string, enabled: boolean): Promise<DndState | undefined> {
  const row = await db
    .updateTable('users')
    .set({ dnd: enabled })
    .where('id', '=', userId)
    .returning(['id', 'extension', 'dnd'])
    .executeTakeFirst();
  return row && { userId: row.id, extension: row.extension, enabled: row.dnd };
}

export async function findDnd(db: Db, userId: string): Promise<DndState | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'extension', 'dnd'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row && { userId: row.id, extension: row.extension, enabled: row.dnd };
}

/** The extensions among these whose user is in DND. */
export async function extensionsInDnd(db: Db, extensions: string[]): Promise<Set<string>> {
  if (extensions.length === 0) return new Set();
  const rows = await db
    .selectFrom('users')
    .select('extension')
    .where('extension', 'in', extensions)
    .where('dnd', '=', true)
    .execute();
  return new Set(rows.map((r) => r.extension));
}
