import type { AnyPbxEvent } from '../../bus/events.js';
import type { VoicemailMessage } from '../../db/voicemail.repository.js';
import type { Principal } from '../../http/auth.js';
import { canReadUser } from '../users/users.access.js';

/** A message event: the message, and whose mailbox it is in (for who may see it). */
export type VoicemailEventData = VoicemailMessage & { mailboxExtension: string; teamId: string | null };

/** A mailbox was enabled, disabled or changed (PIN, greeting). */
export interface MailboxChanged {
  userId: string;
  extension: string;
  teamId: string | null;
  enabled: boolean;
}

declare module '../../bus/events.js' {
  interface EventMap {
    'user.voicemail-changed': MailboxChanged;
    /** A caller left a message (its file is stored, the message lamp set). */
    'voicemail.new': VoicemailEventData;
    /** Marked heard or not heard (API or the phone menu). */
    'voicemail.updated': VoicemailEventData;
    /** Deleted (API or the phone menu): its file is gone. */
    'voicemail.deleted': VoicemailEventData;
  }
}

const types = new Set(['voicemail.new', 'voicemail.updated', 'voicemail.deleted', 'user.voicemail-changed']);

/** The mailbox's owner, their team's supervisors and admins (as whoever may read that user). */
export function voicemailEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!types.has(event.type)) return undefined;
  const data = event.data as VoicemailEventData | MailboxChanged;
  const id = 'mailboxUserId' in data ? data.mailboxUserId : data.userId;
  return canReadUser(principal, { id, teamId: data.teamId });
}
