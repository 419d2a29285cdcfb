import { sql, type Kysely } from 'kysely';

/**
 * Transfers (blind and attended, carried out by the controller): `transferred` as a call log disposition (the call its
 * transferer left by handing the other party on), and on every call of a transfer who transferred (`transferred_by`,
 * an extension), where to (`transferred_to`, the number), how (`transfer_kind`: blind or attended) and the other call
 * of the transfer (`transfer_call_id`).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('call_logs')
    .addColumn('transferred_by', 'text')
    .addColumn('transferred_to', 'text')
    .addColumn('transfer_kind', 'text', (c) => c.check(sql`transfer_kind IN ('blind', 'attended')`))
    .addColumn('transfer_call_id', 'text')
    .execute();
  await sql`ALTER TABLE call_logs DROP CONSTRAINT IF EXISTS call_logs_disposition_check`.execute(db);
  await sql`ALTER TABLE call_logs ADD CONSTRAINT call_logs_disposition_check CHECK (disposition IN
    ('answered', 'busy', 'no-answer', 'unavailable', 'unknown-number', 'cancelled', 'failed', 'voicemail',
     'transferred'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`UPDATE call_logs SET disposition = 'answered' WHERE disposition = 'transferred'`.execute(db);
  await sql`ALTER TABLE call_logs DROP CONSTRAINT IF EXISTS call_logs_disposition_check`.execute(db);
  await sql`ALTER TABLE call_logs ADD CONSTRAINT call_logs_disposition_check CHECK (disposition IN
    ('answered', 'busy', 'no-answer', 'unavailable', 'unknown-number', 'cancelled', 'failed', 'voicemail'))`.execute(
    db,
  );
  await db.schema
    .alterTable('call_logs')
    .dropColumn('transferred_by')
    .dropColumn('transferred_to')
    .dropColumn('transfer_kind')
    .dropColumn('transfer_call_id')
    .execute();
}
