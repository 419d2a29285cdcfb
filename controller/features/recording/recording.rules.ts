import type { Principal } from '../../http/auth.js';

/**
 * Who may do what with call recordings, and the names and numbers they go by: pure, no I/O.
 */

/** A party of a live call as the rules see it: their user and team (an unowned phone has neither). */
export interface CallParty {
  userId: string | null;
  teamId: string | null;
}

/**
 * Starting and stopping a call's recording: a user on the call (an agent's own call), a supervisor of a party's team,
 * and admins. Nobody else, not even another supervisor (they supervise their own team only).
 */
export function mayControlRecording(actor: Principal, parties: CallParty[]): boolean {
  if (actor.role === 'admin') return true;
  if (parties.some((p) => p.userId === actor.userId)) return true;
  return (
    actor.role === 'supervisor' && actor.teamId !== null && parties.some((p) => p.teamId === actor.teamId)
  );
}

/** Annotations are the supervisors' (and admins') notes; whoever may read the recording reads them. */
export const mayAnnotate = (actor: Principal): boolean =>
  actor.role === 'supervisor' || actor.role === 'admin';

/** Asterisk's name of a call recording's segment: `call-<callId>-<seq>` (seq from 1). */
export const segmentNameOf = (callId: string, seq: number): string => `call-${callId}-${seq}`;

/** The call and segment a recording name belongs to, or undefined for someone else's recording (voicemail). */
export function parseSegmentName(name: string): { callId: string; seq: number } | undefined {
  const match = /^call-([0-9a-z]+)-(\d+)$/.exec(name);
  return match ? { callId: match[1]!, seq: Number(match[2]) } : undefined;
}

/** The playback of a policy's announcement into a call's bridge; its end starts the recording. */
export const announcementIdOf = (callId: string): string => `recann-${callId}`;
export const callOfAnnouncement = (playbackId: string): string | undefined =>
  /^recann-([0-9a-z]+)$/.exec(playbackId)?.[1];

/** Recordings started before this are past retention (days 0: kept for ever). */
export function retentionCutoff(now: Date, days: number): Date | undefined {
  return days > 0 ? new Date(now.getTime() - days * 86_400_000) : undefined;
}

/** The stock announcement of a team policy when none is given: "the conference is now being recorded", a beep. */
export const STOCK_ANNOUNCEMENT = ['conf-now-recording', 'beep'] as const;

/**
 * What a request for the audio is, for the audit log: the whole file (a download), or the start of a listening (a
 * range from byte 0, as a browser's player begins); later ranges of the same listening are not audited again.
 */
export function audioAccessOf(range: { start: number } | undefined): 'downloaded' | 'listened' | undefined {
  if (!range) return 'downloaded';
  return range.start === 0 ? 'listened' : undefined;
}
