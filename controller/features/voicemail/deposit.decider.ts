/**
 * Leaving a message, as a pure decider: greeting (with the beep at its end) → recording → goodbye → hang-up. The
 * shell (`voicemail-phone.ts`) feeds it the caller's facts and carries its effects out. A caller who hangs up during
 * the greeting leaves nothing; mid-message, Asterisk finishes the recording with what it has (res_stasis_recording:
 * COMPLETE after any end of `ast_play_and_record_full`) and the message is kept.
 */

export type DepositPhase = 'greeting' | 'recording' | 'goodbye' | 'done';

export interface Deposit {
  channelId: string;
  recordingName: string;
  phase: DepositPhase;
  /** The caller hung up (while recording: the message is kept once the recording is finished). */
  callerGone: boolean;
}

export type DepositInput =
  | { kind: 'playback-finished'; playbackId: string; ok: boolean }
  | { kind: 'recording-finished'; durationSeconds?: number }
  | { kind: 'recording-failed'; cause: string }
  | { kind: 'caller-left' }
  /** The recording's end never came after the caller left: keep what Asterisk stored, if anything. */
  | { kind: 'recording-timeout' };

export type DepositEffect =
  | { kind: 'play'; playbackId: string; media: readonly string[] }
  | { kind: 'record'; name: string }
  | { kind: 'keep-message'; name: string; durationSeconds?: number }
  | { kind: 'arm-recording-timeout' }
  | { kind: 'hangup' };

export interface DepositStep {
  deposit: Deposit;
  effects: DepositEffect[];
}

export const greetingPlaybackId = (d: Deposit) => `${d.recordingName}-greeting`;
export const goodbyePlaybackId = (d: Deposit) => `${d.recordingName}-goodbye`;

/** The first step: the caller (answered by the shell) hears the greeting. */
export function startDeposit(
  channelId: string,
  recordingName: string,
  greeting: readonly string[],
): DepositStep {
  const deposit: Deposit = { channelId, recordingName, phase: 'greeting', callerGone: false };
  return { deposit, effects: [{ kind: 'play', playbackId: greetingPlaybackId(deposit), media: greeting }] };
}

const GOODBYE = ['sound:vm-goodbye'] as const;

export function decideDeposit(d: Deposit, input: DepositInput): DepositStep {
  const to = (phase: DepositPhase, effects: DepositEffect[] = [], patch: Partial<Deposit> = {}) => ({
    deposit: { ...d, ...patch, phase },
    effects,
  });
  const goodbye = (effects: DepositEffect[]) =>
    d.callerGone
      ? to('done', effects)
      : to('goodbye', [...effects, { kind: 'play', playbackId: goodbyePlaybackId(d), media: GOODBYE }]);
  switch (input.kind) {
    case 'playback-finished':
      if (d.phase === 'greeting' && input.playbackId === greetingPlaybackId(d))
        return input.ok ? to('recording', [{ kind: 'record', name: d.recordingName }]) : to('done');
      if (d.phase === 'goodbye' && input.playbackId === goodbyePlaybackId(d))
        return to('done', [{ kind: 'hangup' }]);
      return to(d.phase);
    case 'recording-finished': {
      if (d.phase !== 'recording') return to(d.phase);
      const duration = input.durationSeconds === undefined ? {} : { durationSeconds: input.durationSeconds };
      return goodbye([{ kind: 'keep-message', name: d.recordingName, ...duration }]);
    }
    case 'recording-failed':
      return d.phase === 'recording' ? goodbye([]) : to(d.phase);
    case 'caller-left':
      if (d.phase === 'recording')
        return to('recording', [{ kind: 'arm-recording-timeout' }], { callerGone: true });
      return to('done', [], { callerGone: true });
    case 'recording-timeout':
      return d.phase === 'recording'
        ? to('done', [{ kind: 'keep-message', name: d.recordingName }])
        : to(d.phase);
    default: {
      const never: never = input;
      throw new Error(`unknown deposit input ${JSON.stringify(never)}`);
    }
  }
}
