/**
 * A call's recording, toggled: start a new segment, stop the live one, or refuse (pure: the state in, the decision
 * out). One recording per call; each start after a stop is its next segment, appended to the same audio.
 */

/** What the shell read of the call's recording before deciding. */
export interface RecordingStatus {
  /** The live segment's Asterisk name, if one is recording now. */
  live: string | null;
  /** The highest segment number so far (0: never recorded). */
  lastSeq: number;
}

export type RecordingAction = 'start' | 'stop' | 'toggle';

export type RecordingDecision =
  | { kind: 'start'; seq: number; name: string }
  | { kind: 'stop'; name: string }
  | { kind: 'refuse'; code: 'recording-active' | 'recording-not-active' };

export function decideRecording(
  status: RecordingStatus,
  action: RecordingAction,
  nameOf: (seq: number) => string,
): RecordingDecision {
  const wanted = action === 'toggle' ? (status.live ? 'stop' : 'start') : action;
  switch (wanted) {
    case 'start': {
      if (status.live) return { kind: 'refuse', code: 'recording-active' };
      const seq = status.lastSeq + 1;
      return { kind: 'start', seq, name: nameOf(seq) };
    }
    case 'stop':
      return status.live
        ? { kind: 'stop', name: status.live }
        : { kind: 'refuse', code: 'recording-not-active' };
    default: {
      const never: never = wanted;
      throw new Error(`unknown recording action ${String(never)}`);
    }
  }
}
