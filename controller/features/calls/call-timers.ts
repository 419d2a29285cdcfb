/** One dial timer per call, armed at an absolute time so a restarted controller can re-arm it from saved state. */
export interface CallTimers {
  arm(callId: string, at: string): void;
  cancel(callId: string): void;
  cancelAll(): void;
}

export function createCallTimers(fire: (callId: string, at: string) => void, now: () => Date): CallTimers {
  const timers = new Map<string, NodeJS.Timeout>();
  const cancel = (callId: string) => {
    clearTimeout(timers.get(callId));
    timers.delete(callId);
  };
  return {
    arm(callId, at) {
      cancel(callId);
      const delay = Math.max(0, Date.parse(at) - now().getTime());
      const timer = setTimeout(() => {
        timers.delete(callId);
        fire(callId, at);
      }, delay);
      timer.unref();
      timers.set(callId, timer);
    },
    cancel,
    cancelAll() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
