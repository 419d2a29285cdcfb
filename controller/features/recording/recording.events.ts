import type { AnyPbxEvent } from '../../bus/events.js';
import type { CallRecording } from '../../db/recordings.repository.js';
import type { Principal } from '../../http/auth.js';

/** A recording event: the recording as it stands, the segment it is about, and the call's users (who sees it). */
export interface RecordingEventData {
  callId: string;
  segment: number;
  recording: CallRecording;
  /** The users on the call: they, supervisors and admins see the event (as they see the call's). */
  userIds: string[];
}

declare module '../../bus/events.js' {
  interface EventMap {
    /** Asterisk started writing a segment of the call's recording (RecordingStarted). */
    'recording.started': RecordingEventData;
    /** A segment ended: saved (its audio appended to the recording), or failed (`recording.state` failed). */
    'recording.stopped': RecordingEventData;
  }
}

const types: ReadonlySet<string> = new Set(['recording.started', 'recording.stopped']);

/** Like calls' events: admins and supervisors see every call's, agents those of calls they are on. */
export function recordingEventVisible(event: AnyPbxEvent, principal: Principal): boolean | undefined {
  if (!types.has(event.type)) return undefined;
  if (principal.role === 'admin' || principal.role === 'supervisor') return true;
  return (event.data as RecordingEventData).userIds.includes(principal.userId);
}
