/**
 * Writes that follow a call's decisions without holding its lock: each call's writes run one after another in the
 * order they were queued (a Redis save never overtakes the previous one, a call log row is written in order), while
 * the next input of the call is decided and its commands sent. `after(key)` is what to wait for when something must
 * not happen before them (an event published after the log row it describes).
 */
export interface OrderedWrites {
  /** Queues a write behind the key's earlier ones; it never rejects (a failure is reported to `onError`). */
  queue(key: string, write: () => Promise<unknown>): Promise<void>;
  /** Resolves when every write queued so far for the key is done. */
  after(key: string): Promise<void>;
  /** Resolves when every write queued so far is done (shutdown, tests). */
  idle(): Promise<void>;
}

export function createOrderedWrites(onError: (error: unknown, key: string) => void): OrderedWrites {
  const tails = new Map<string, Promise<void>>();
  return {
    queue(key, write) {
      const tail = (tails.get(key) ?? Promise.resolve()).then(write).then(
        () => undefined,
        (error: unknown) => onError(error, key),
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return tail;
    },
    after: (key) => tails.get(key) ?? Promise.resolve(),
    async idle() {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
  };
}
