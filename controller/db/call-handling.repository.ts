import type { Forwarding, HandlingProfile, RingSettings } from '../features/call-handling/handling.types.js';
import { DEFAULT_RING_SETTINGS } from '../features/call-handling/handling.types.js';
import type { Db } from './database.js';

/** A user's forwarding and ring settings (migration 0009) with their DND flag: the one place that reads them. */

const columns = [
  'id',
  'extension',
  'team_id',
  'dnd',
  'forward_always',
  'forward_busy',
  'forward_no_answer',
  'forward_no_answer_seconds',
  'ring_settings',
] as const;

interface ProfileRow {
  id: string;
  extension: string;
  team_id: string | null;
  dnd: boolean;
  forward_always: string | null;
  forward_busy: string | null;
  forward_no_answer: string | null;
  forward_no_answer_seconds: number | null;
  ring_settings: unknown;
}

function toProfile(row: ProfileRow): HandlingProfile {
  return {
    userId: row.id,
    extension: row.extension,
    teamId: row.team_id,
    dnd: row.dnd,
    forwarding: {
      always: row.forward_always,
      busy: row.forward_busy,
      noAnswer: row.forward_no_answer,
      noAnswerSeconds: row.forward_no_answer_seconds,
    },
    ringSettings: (row.ring_settings as RingSettings | null) ?? DEFAULT_RING_SETTINGS,
  };
}

export async function findProfileByExtension(
  db: Db,
  extension: string,
): Promise<HandlingProfile | undefined> {
  const row = await db
    .selectFrom('users')
    .select(columns)
    .where('extension', '=', extension)
    .executeTakeFirst();
  return row && toProfile(row);
}

/** Every user's profile (the call routing's cache, loaded whole on start). */
export async function listProfiles(db: Db): Promise<HandlingProfile[]> {
  const rows = await db.selectFrom('users').select(columns).execute();
  return rows.map(toProfile);
}

export async function findProfile(db: Db, userId: string): Promise<HandlingProfile | undefined> {
  const row = await db.selectFrom('users').select(columns).where('id', '=', userId).executeTakeFirst();
  return row && toProfile(row);
}

/** Writes the given fields (absent ones stay); undefined when there is no such user. */
export async function setForwarding(
  db: Db,
  userId: string,
  patch: Partial<Forwarding>,
): Promise<HandlingProfile | undefined> {
  const set: Record<string, string | number | null> = {};
  if (patch.always !== undefined) set.forward_always = patch.always;
  if (patch.busy !== undefined) set.forward_busy = patch.busy;
  if (patch.noAnswer !== undefined) set.forward_no_answer = patch.noAnswer;
  if (patch.noAnswerSeconds !== undefined) set.forward_no_answer_seconds = patch.noAnswerSeconds;
  if (Object.keys(set).length === 0) return findProfile(db, userId);
  const row = await db
    .updateTable('users')
    .set(set)
    .where('id', '=', userId)
    .returning(columns)
    .executeTakeFirst();
  return row && toProfile(row);
}

export async function setRingSettings(
  db: Db,
  userId: string,
  settings: RingSettings,
): Promise<HandlingProfile | undefined> {
  const row = await db
    .updateTable('users')
    .set({ ring_settings: JSON.stringify(settings) })
    .where('id', '=', userId)
    .returning(columns)
    .executeTakeFirst();
  return row && toProfile(row);
}

/** The user's team (pick-up is allowed within a team). */
export async function teamOfUser(db: Db, userId: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('users').select('team_id').where('id', '=', userId).executeTakeFirst();
  return row ? row.team_id : undefined;
}
