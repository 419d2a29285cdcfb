/**
 * The steps of a phone call's set-up, for measuring where its time goes (`npm run bench`, the live suite): from the
 * caller's StasisStart to the request that makes Asterisk send the callee's INVITE.
 *
 * - `stasis-start`: the caller's StasisStart reached the calls feature
 * - `looked-up`: who calls and what to ring is known (the directory, in memory)
 * - `decided`: the decider returned the call's first decision
 * - `originate-sent`: the first callee leg's `POST /channels` was sent (Asterisk sends the INVITE while handling it)
 * - `saved`: the call's state reached Redis (off the set-up path: it follows the commands)
 *
 * Callee legs are originated: with `POST /channels/create`, then the leg's StasisStart, then `POST …/dial`, the
 * INVITE waited for a second round trip (measured on Asterisk 22.10.1 with a minimal app: median 8-11 ms after the
 * caller's INVITE, against 6 ms for originate and 3 ms for a native Dial()).
 */
export type SetupStep = 'stasis-start' | 'looked-up' | 'decided' | 'originate-sent' | 'saved';

export const SETUP_STEPS: readonly SetupStep[] = [
  'stasis-start',
  'looked-up',
  'decided',
  'originate-sent',
  'saved',
];

/** Told each step of each call as it happens (`at`: `performance.now()`); a step may come more than once. */
export type SetupTrace = (callId: string, step: SetupStep, at: number) => void;
