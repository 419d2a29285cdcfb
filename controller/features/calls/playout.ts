/**
 * A prompt followed by a hang-up (or a release) ends with a second of silence. PlaybackFinished comes when Asterisk
 * has sent the last frame; the phone plays it out later (RTP in flight, its jitter buffer): measured on Asterisk
 * 22.10.1 with baresip, a phone released at PlaybackFinished lost the last ~85 ms of the file (the end of `digits/5`,
 * "seven, zero, fi—"). With the silence last, what is cut is silence.
 */
export const PLAYOUT_GUARD = 'sound:silence/1';

/** The media list, then the guard: what to play when the phone is hung up or released once it ends. */
export const heardToTheEnd = (media: readonly string[]): string[] => [...media, PLAYOUT_GUARD];
