export type MicrophoneResult =
  { ok: true; stream: MediaStream } | { ok: false; problem: 'denied' | 'missing' | 'unavailable' };

/** Audio only, with the browser's echo cancellation and noise suppression. */
export const audioConstraints: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: false,
};

/**
 * Opens the microphone before a call (the page must have used getUserMedia for Chrome to offer host ICE
 * candidates instead of mDNS names Asterisk cannot resolve). Says why it could not.
 */
export async function openMicrophone(): Promise<MicrophoneResult> {
  if (!navigator.mediaDevices?.getUserMedia) return { ok: false, problem: 'unavailable' };
  try {
    return { ok: true, stream: await navigator.mediaDevices.getUserMedia(audioConstraints) };
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') return { ok: false, problem: 'denied' };
    if (name === 'NotFoundError' || name === 'OverconstrainedError') return { ok: false, problem: 'missing' };
    return { ok: false, problem: 'unavailable' };
  }
}

export function closeMicrophone(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
