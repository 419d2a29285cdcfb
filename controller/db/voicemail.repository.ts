import { sql } from 'kysely';
import type { Db } from './database.js';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination.js';
import type { VoicemailBoxRow, VoicemailMessageRow } from './tables/voicemail.js';
import { scopeMembers, type UserScope } from './users.repository.js';

/** A user's mailbox settings (no row: off, no PIN, the standard greeting). */
export interface MailboxSettings {
  userId: string;
  enabled: boolean;
  pinHash: string | null;
  greeting: 'standard' | 'recorded';
  /** The recorded greeting's recording name in Asterisk, if one was recorded. */
  greetingFile: string | null;
}

/** A message as the API returns it (SPEC: `{id, from, to, receivedAt, durationSeconds, heard}`). */
export interface VoicemailMessage {
  id: string;
  mailboxUserId: string;
  from: string;
  fromName: string;
  to: string;
  callId: string | null;
  receivedAt: string;
  durationSeconds: number;
  heard: boolean;
}

/** …and where its audio is (never in the API). */
export type StoredMessage = VoicemailMessage & { recordingName: string; filePath: string };

const toSettings = (userId: string, row: VoicemailBoxRow | undefined): MailboxSettings => ({
  userId,
  enabled: row?.enabled ?? false,
  pinHash: row?.pin_hash ?? null,
  greeting: row?.greeting ?? 'standard',
  greetingFile: row?.greeting_file ?? null,
});

export function toStoredMessage(row: VoicemailMessageRow): StoredMessage {
  return {
    id: row.id,
    mailboxUserId: row.mailbox_user_id,
    from: row.from_number,
    fromName: row.from_name,
    to: row.to_number,
    callId: row.call_id,
    receivedAt: row.received_at.toISOString(),
    durationSeconds: row.duration_seconds,
    heard: row.heard,
    recordingName: row.recording_name,
    filePath: row.file_path,
  };
}

export async function mailboxOf(db: Db, userId: string): Promise<MailboxSettings> {
  const row = await db
    .selectFrom('voicemail_boxes')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return toSettings(userId, row);
}

/** Every enabled mailbox with its owner's extension (for the calls feature's lookup and message waiting). */
export async function enabledMailboxes(db: Db): Promise<{ userId: string; extension: string }[]> {
  return db
    .selectFrom('voicemail_boxes')
    .innerJoin('users', 'users.id', 'voicemail_boxes.user_id')
    .select(['users.id as userId', 'users.extension as extension'])
    .where('voicemail_boxes.enabled', '=', true)
    .execute();
}

export async function saveMailbox(
  db: Db,
  settings: Omit<MailboxSettings, 'greetingFile'> & { greetingFile?: string | null },
): Promise<void> {
  const values = {
    enabled: settings.enabled,
    pin_hash: settings.pinHash,
    greeting: settings.greeting,
    ...(settings.greetingFile !== undefined ? { greeting_file: settings.greetingFile } : {}),
    updated_at: new Date(),
  };
  await db
    .insertInto('voicemail_boxes')
    .values({ user_id: settings.userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}

export async function insertMessage(
  db: Db,
  message: Omit<StoredMessage, 'heard' | 'receivedAt'> & { receivedAt: Date },
): Promise<StoredMessage> {
  const row = await db
    .insertInto('voicemail_messages')
    .values({
      id: message.id,
      mailbox_user_id: message.mailboxUserId,
      from_number: message.from,
      from_name: message.fromName,
      to_number: message.to,
      call_id: message.callId,
      received_at: message.receivedAt,
      duration_seconds: message.durationSeconds,
      recording_name: message.recordingName,
      file_path: message.filePath,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStoredMessage(row);
}

export async function findMessage(db: Db, id: string): Promise<StoredMessage | undefined> {
  const row = await db.selectFrom('voicemail_messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toStoredMessage(row);
}

/** A mailbox's messages for the phone menu: new ones first, then old ones, each oldest first. */
export async function messagesOf(db: Db, userId: string): Promise<StoredMessage[]> {
  const rows = await db
    .selectFrom('voicemail_messages')
    .selectAll()
    .where('mailbox_user_id', '=', userId)
    .orderBy('heard')
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  return rows.map(toStoredMessage);
}

export async function countsOf(
  db: Db,
  userId: string,
): Promise<{ newMessages: number; oldMessages: number }> {
  const row = await db
    .selectFrom('voicemail_messages')
    .select([
      sql<number>`count(*) filter (where not heard)::int`.as('fresh'),
      sql<number>`count(*) filter (where heard)::int`.as('old'),
    ])
    .where('mailbox_user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return { newMessages: row.fresh, oldMessages: row.old };
}

/** Newest first, cursor = the last row's id (as call logs). */
export async function listMessages(
  db: Db,
  scope: UserScope,
  page: PageRequest & { mailboxUserId?: string | undefined },
): Promise<Page<VoicemailMessage>> {
  let query = db.selectFrom('voicemail_messages').selectAll();
  if (page.mailboxUserId) query = query.where('mailbox_user_id', '=', page.mailboxUserId);
  if (scope.kind !== 'all')
    query = query.where('mailbox_user_id', 'in', scopeMembers(scope).select('users.id'));
  if (page.cursor) {
    const [after] = decodeCursor(page.cursor, ['uuid'] as const);
    query = query.where(
      sql<boolean>`(received_at, id) < (select received_at, id from voicemail_messages where id = ${after}::uuid)`,
    );
  }
  const rows = await query
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(
    rows,
    page.limit,
    (row) => [row.id],
    (row) => publicMessage(toStoredMessage(row)),
  );
}

export async function setHeard(db: Db, id: string, heard: boolean): Promise<StoredMessage | undefined> {
  const row = await db
    .updateTable('voicemail_messages')
    .set({ heard })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toStoredMessage(row);
}

export async function deleteMessage(db: Db, id: string): Promise<StoredMessage | undefined> {
  const row = await db
    .deleteFrom('voicemail_messages')
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toStoredMessage(row);
}

export function publicMessage(message: StoredMessage): VoicemailMessage {
  const { recordingName: _name, filePath: _path, ...shown } = message;
  return shown;
}
