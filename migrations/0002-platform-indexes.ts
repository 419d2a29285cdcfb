import type { Kysely } from 'kysely';

/**
 * Indexes for the platform's lists and access checks: whose calls a user sees (callers, answerers, numbers),
 * a call's or contact's notes, what was done by or to a user (audit), a user's devices.
 */
const indexes: [name: string, table: string, columns: string[]][] = [
  ['call_logs_caller_user_idx', 'call_logs', ['caller_user_id']],
  ['call_logs_answered_by_user_idx', 'call_logs', ['answered_by_user_id']],
  ['call_logs_from_number_idx', 'call_logs', ['from_number']],
  ['call_logs_to_number_idx', 'call_logs', ['to_number']],
  ['notes_call_log_idx', 'notes', ['call_log_id', 'created_at']],
  ['notes_contact_idx', 'notes', ['contact_id', 'created_at']],
  ['audit_log_actor_user_idx', 'audit_log', ['actor_user_id']],
  ['audit_log_target_idx', 'audit_log', ['target']],
  ['devices_owner_user_idx', 'devices', ['owner_user_id']],
];

/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, columns] of indexes) {
    await db.schema.createIndex(name).on(table).columns(columns).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...indexes].reverse()) await db.schema.dropIndex(name).execute();
}
