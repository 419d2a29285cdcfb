/**
 * Voicemail's pure rules: the PIN, who may do what with a message, and the length of a WAV file. No I/O.
 */
import type { Principal } from '../../http/auth.js';
import { canReadUser } from '../users/users.access.js';

/** A mailbox PIN: 4 to 8 digits (the phone's keypad). */
export const PIN_PATTERN = /^\d{4,8}$/;

export interface MessageOwner {
  id: string;
  teamId: string | null;
}

/** Listening and reading: whoever may read the owner (themselves, their team's supervisors, admins). */
export const canReadMessage = (actor: Principal, owner: MessageOwner) => canReadUser(actor, owner);

/** Marking heard and deleting: the owner and admins (a supervisor listens, the owner keeps their mailbox). */
export const canChangeMessage = (actor: Principal, owner: MessageOwner) =>
  actor.role === 'admin' || actor.userId === owner.id;

/**
 * Mailbox settings: admins enable or disable a mailbox and set anything; the user changes their own PIN and greeting
 * (not whether they have a mailbox).
 */
export function settingsRefusal(
  actor: Principal,
  userId: string,
  change: { enabled?: boolean; current: boolean },
): string | undefined {
  if (actor.role === 'admin') return undefined;
  if (actor.userId !== userId) return 'only the user or an admin changes a mailbox';
  if (change.enabled !== undefined && change.enabled !== change.current)
    return 'only an admin enables or disables a mailbox';
  return undefined;
}

/** Seconds of audio in a PCM WAV file (its `data` chunk over the byte rate); 0 for anything else. */
export function wavSeconds(file: Buffer): number {
  if (file.length < 44 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE')
    return 0;
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 16 <= file.length) byteRate = file.readUInt32LE(offset + 8 + 8);
    if (id === 'data') return byteRate > 0 ? Math.min(size, file.length - offset - 8) / byteRate : 0;
    offset += 8 + size + (size % 2);
  }
  return 0;
}

/** A message shorter than this (the caller hung up at the beep) is not kept. */
export const MIN_MESSAGE_SECONDS = 0.5;

/** `Range: bytes=a-b` (shared with call recordings' audio: `controller/http/audio-reply.ts`). */
export { byteRange } from '../../http/audio-reply.js';
