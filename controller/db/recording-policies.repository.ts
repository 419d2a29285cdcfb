import type { Db } from './database.js';

export interface RecordingPolicy {
  teamId: string;
  recordRoutedCalls: boolean;
  /** Stock sounds played into the bridge before recording starts (empty: none). */
  announcement: string[];
}

export async function findPolicy(db: Db, teamId: string): Promise<RecordingPolicy | undefined> {
  const row = await db
    .selectFrom('team_recording_policies')
    .selectAll()
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return row
    ? { teamId: row.team_id, recordRoutedCalls: row.record_routed_calls, announcement: row.announcement }
    : undefined;
}

export async function upsertPolicy(db: Db, policy: RecordingPolicy): Promise<RecordingPolicy> {
  const values = {
    team_id: policy.teamId,
    record_routed_calls: policy.recordRoutedCalls,
    announcement: policy.announcement,
    updated_at: new Date(),
  };
  await db
    .insertInto('team_recording_policies')
    .values(values)
    .onConflict((oc) => oc.column('team_id').doUpdateSet(values))
    .execute();
  return policy;
}
