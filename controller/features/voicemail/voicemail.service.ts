import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Pbx } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import type { PageRequest } from '../../db/pagination.js';
import { findUserById, type User } from '../../db/users.repository.js';
import {
  countsOf,
  deleteMessage,
  enabledMailboxes,
  findMessage,
  insertMessage,
  listMessages,
  publicMessage,
  setHeard,
  type StoredMessage,
} from '../../db/voicemail.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { userListScope } from '../users/users.access.js';
import { mailboxNameOf } from './mailbox-names.js';
import type { VoicemailEventData } from './voicemail.events.js';
import { canChangeMessage, canReadMessage, MIN_MESSAGE_SECONDS, wavSeconds } from './voicemail.rules.js';

export interface NewMessage {
  id: string;
  recordingName: string;
  mailboxUserId: string;
  from: { number: string; name: string };
  to: string;
  callId: string | null;
  /** What RecordingFinished said; the file's own length wins. */
  durationSeconds?: number | undefined;
}

const noSuchMessage = (id: string) => new AppError('no-such-message', `voicemail message ${id} not found`);

/**
 * Messages: kept (the WAV fetched from Asterisk's stored recording into VOICEMAIL_DIR, metadata in PostgreSQL;
 * Asterisk keeps its copy to play it to phones), listed, served, marked heard, deleted (both copies), with
 * `voicemail.*` events and the message lamp (ARI `/mailboxes`) set after every change.
 */
export function createVoicemailService(deps: {
  db: Db;
  bus: EventBus;
  logger: Logger;
  pbx?: Pbx;
  dir: string;
}) {
  const { db, bus, logger } = deps;

  async function ownerOf(userId: string): Promise<User> {
    const owner = await findUserById(db, userId);
    if (!owner) throw new AppError('no-such-user', 'user not found');
    return owner;
  }

  async function publish(
    type: 'voicemail.new' | 'voicemail.updated' | 'voicemail.deleted',
    message: StoredMessage,
  ) {
    const owner = await findUserById(db, message.mailboxUserId);
    const data: VoicemailEventData = {
      ...publicMessage(message),
      mailboxExtension: owner?.extension ?? '',
      teamId: owner?.teamId ?? null,
    };
    bus.publish(type, data);
    if (owner) await setLamp(owner.id, owner.extension);
  }

  /** The message lamp and count of the user's phones (res_mwi_external). */
  async function setLamp(userId: string, extension: string): Promise<void> {
    if (!deps.pbx) return;
    const set = await deps.pbx.setMailbox(mailboxNameOf(extension), await countsOf(db, userId));
    if (!set.ok) logger.warn({ userId, reason: set.reason }, 'could not set the message waiting state');
  }

  async function readable(actor: Principal, id: string, change = false): Promise<StoredMessage> {
    const message = await findMessage(db, id);
    if (!message) throw noSuchMessage(id);
    const owner = await ownerOf(message.mailboxUserId);
    const ownerRef = { id: owner.id, teamId: owner.teamId };
    if (!canReadMessage(actor, ownerRef)) throw new AppError('forbidden', 'you may not see this message');
    if (change && !canChangeMessage(actor, ownerRef))
      throw new AppError('forbidden', 'only the mailbox owner or an admin changes a message');
    return message;
  }

  async function remove(message: StoredMessage): Promise<void> {
    const gone = await deleteMessage(db, message.id);
    if (!gone) return;
    await rm(message.filePath, { force: true });
    const deleted = await deps.pbx?.deleteStoredRecording(message.recordingName);
    if (deleted && !deleted.ok && deleted.reason !== 'gone')
      logger.warn({ messageId: message.id, reason: deleted.reason }, 'could not delete the stored recording');
    await publish('voicemail.deleted', gone);
  }

  async function heard(message: StoredMessage, value: boolean): Promise<StoredMessage> {
    if (message.heard === value) return message;
    const updated = await setHeard(db, message.id, value);
    if (!updated) throw noSuchMessage(message.id);
    await publish('voicemail.updated', updated);
    return updated;
  }

  return {
    /** A finished recording becomes a message; one under half a second (hung up at the beep) is dropped. */
    async keep(message: NewMessage): Promise<StoredMessage | undefined> {
      if (!deps.pbx) return undefined;
      const file = await deps.pbx.storedRecordingFile(message.recordingName);
      if (!file.ok) {
        logger.warn({ name: message.recordingName, reason: file.reason }, 'no stored recording to keep');
        return undefined;
      }
      const seconds = wavSeconds(file.value);
      if (seconds < MIN_MESSAGE_SECONDS) {
        await deps.pbx.deleteStoredRecording(message.recordingName);
        return undefined;
      }
      await mkdir(deps.dir, { recursive: true });
      const filePath = join(deps.dir, `${message.recordingName}.wav`);
      await writeFile(filePath, file.value);
      const stored = await insertMessage(db, {
        id: message.id,
        mailboxUserId: message.mailboxUserId,
        from: message.from.number,
        fromName: message.from.name,
        to: message.to,
        callId: message.callId,
        receivedAt: new Date(),
        durationSeconds: Math.max(1, Math.round(seconds)),
        recordingName: message.recordingName,
        filePath,
      });
      await publish('voicemail.new', stored);
      return stored;
    },
    list: (actor: Principal, page: PageRequest & { mailboxUserId?: string | undefined }) =>
      listMessages(db, userListScope(actor), page),
    async get(actor: Principal, id: string) {
      return publicMessage(await readable(actor, id));
    },
    async audio(actor: Principal, id: string): Promise<{ path: string; size: number }> {
      const message = await readable(actor, id);
      const found = await stat(message.filePath).catch(() => undefined);
      if (!found) throw new AppError('no-such-message', `the audio of message ${id} is missing`);
      return { path: message.filePath, size: found.size };
    },
    async setHeard(actor: Principal, id: string, value: boolean) {
      return publicMessage(await heard(await readable(actor, id, true), value));
    },
    async delete(actor: Principal, id: string): Promise<void> {
      await remove(await readable(actor, id, true));
    },
    /** The phone menu's own changes (the caller proved who they are). */
    phone: {
      async markHeard(id: string): Promise<void> {
        const message = await findMessage(db, id);
        if (message) await heard(message, true);
      },
      async delete(id: string): Promise<void> {
        const message = await findMessage(db, id);
        if (message) await remove(message);
      },
    },
    setLamp,
    /** After every (re)connect: Asterisk forgets mailboxes when it restarts, so every lamp is set again. */
    async setEveryLamp(): Promise<void> {
      for (const box of await enabledMailboxes(db)) await setLamp(box.userId, box.extension);
    },
  };
}

export type VoicemailService = ReturnType<typeof createVoicemailService>;
