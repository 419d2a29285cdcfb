import type { Db } from './database.js';

/** A user's speed dial: `*0<slot>` on their phone dials `number`. */
export interface SpeedDial {
  slot: number;
  number: string;
  label: string;
}

export async function speedDialsOf(db: Db, userId: string): Promise<SpeedDial[]> {
  return db
    .selectFrom('speed_dials')
    .select(['slot', 'number', 'label'])
    .where('user_id', '=', userId)
    .orderBy('slot')
    .execute();
}

export async function findSpeedDial(db: Db, userId: string, slot: number): Promise<SpeedDial | undefined> {
  return db
    .selectFrom('speed_dials')
    .select(['slot', 'number', 'label'])
    .where('user_id', '=', userId)
    .where('slot', '=', slot)
    .executeTakeFirst();
}

/** Replaces the whole list (in the caller's transaction). */
export async function replaceSpeedDials(trx: Db, userId: string, entries: SpeedDial[]): Promise<void> {
  await trx.deleteFrom('speed_dials').where('user_id', '=', userId).execute();
  if (entries.length > 0)
    await trx
      .insertInto('speed_dials')
      .values(entries.map((e) => ({ user_id: userId, slot: e.slot, number: e.number, label: e.label })))
      .execute();
}
