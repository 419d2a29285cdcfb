/** A short two-tone beep through WebAudio, so an auto-answered page or intercom is noticed. Best effort. */
export function beep(): void {
  try {
    const AudioContextClass = window.AudioContext;
    if (!AudioContextClass) return;
    const context = new AudioContextClass();
    const gain = context.createGain();
    gain.gain.value = 0.15;
    gain.connect(context.destination);
    [880, 1320].forEach((frequency, i) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      const start = context.currentTime + i * 0.12;
      oscillator.start(start);
      oscillator.stop(start + 0.1);
    });
    window.setTimeout(() => void context.close(), 500);
  } catch {
    // No audio output: the banner still says the call was auto-answered.
  }
}
