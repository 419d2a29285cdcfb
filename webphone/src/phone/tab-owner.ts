/**
 * One tab owns the phone (issue 14): of the tabs of one browser signed in as one user, only the holder of a Web Lock
 * named after that user registers; the others wait in the lock's queue (taking over by themselves when the owner's
 * tab closes) or take it over on request (`steal`: the owner is told and stops its phone). Without Web Locks (an
 * old browser) every tab owns its phone, as before.
 */
type Locks = Pick<LockManager, 'request'>;

export interface TabOwnership {
  /** Take the phone from the tab that has it. */
  takeOver(): void;
  /** Let it go (signing out): another waiting tab gets it. */
  release(): void;
}

export function ownPhoneInOneTab(
  locks: Locks | undefined,
  name: string,
  hooks: { own(): void; elsewhere(): void },
): TabOwnership {
  if (!locks) {
    hooks.own();
    return { takeOver: () => undefined, release: () => undefined };
  }
  let released = false;
  let letGo: (() => void) | null = null;
  let waiting: AbortController | null = null;

  const hold = () =>
    new Promise<void>((resolve) => {
      letGo = resolve;
      hooks.own();
    });

  /**
   * The lock is ours until we let go or another tab steals it: then this request rejects, and the phone is elsewhere
   * (and this tab waits for it again). A wait we gave up ourselves (aborted) means nothing.
   */
  const holding = (request: Promise<unknown>, signal?: AbortSignal) =>
    request.then(
      () => undefined,
      () => {
        if (released || signal?.aborted) return;
        letGo = null;
        hooks.elsewhere();
        queue();
      },
    );

  function queue(): void {
    waiting?.abort();
    const controller = new AbortController();
    waiting = controller;
    holding(
      locks!.request(name, { signal: controller.signal }, () => (released ? undefined : hold())),
      controller.signal,
    );
  }

  holding(
    locks.request(name, { ifAvailable: true }, (lock) => {
      if (lock) return hold();
      hooks.elsewhere();
      queue();
      return undefined;
    }),
  );

  return {
    takeOver() {
      if (released || letGo) return;
      waiting?.abort();
      waiting = null;
      holding(locks.request(name, { steal: true }, () => hold()));
    },
    release() {
      released = true;
      waiting?.abort();
      letGo?.();
      letGo = null;
    },
  };
}
