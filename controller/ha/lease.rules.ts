/**
 * Who owns the Stasis application (issue 15): the rules of the lease, with no I/O. Exactly one controller instance
 * holds the ARI app at a time; it renews a lease in Redis every third of its TTL, the others stand by and take it
 * once it lapses. Time here is the monotonic clock (`performance.now()`), never the wall clock.
 */

/** The lease as Redis holds it: whose it is, where that instance answers HTTP, and the how-manyth owner it is. */
export interface OwnerRecord {
  instanceId: string;
  /** The owner's own HTTP address (`INSTANCE_URL`): standbys forward commands there. */
  url: string;
  /** Counts owners: every acquisition takes the next number. */
  epoch: number;
}

export interface LeaseState {
  /** This instance took the lease and has not learned that it lost it. */
  held: boolean;
  /** Until when (monotonic ms) the hold is certain: the renewal's send time + TTL − margin. */
  validUntil: number;
  /** The last request to the lease store had no answer (as opposed to an answer saying "not yours"). */
  storeDown: boolean;
  /** The last owner seen (this instance while it holds), and when it was seen (monotonic ms). */
  owner?: OwnerRecord;
  ownerSeenAt?: number;
}

/** What one request to the store answered: the lease is (still, again) ours, someone else's, or no answer. */
export type StoreAnswer =
  { kind: 'ours'; record: OwnerRecord } | { kind: 'theirs'; record: OwnerRecord } | { kind: 'no-answer' };

export const initialLease: LeaseState = { held: false, validUntil: 0, storeDown: false };

/** Margin kept off the TTL: the store starts counting when it receives the request, not when it was sent. */
export const marginOf = (ttlMs: number) => Math.max(100, Math.round(ttlMs / 10));

/**
 * Whether this instance may command Asterisk now (every ARI request and every fact passes this gate). While the
 * renewals are answered, only within `validUntil`: an owner paused past its lease (SIGSTOP, a frozen VM) finds the
 * gate shut when it wakes, before it can renew and learn it lost. While the store does not answer, the owner keeps
 * acting: no standby can take the lease from a store nobody reaches, and one that does reach it takes the ARI app,
 * which Asterisk tells this instance (ApplicationReplaced ends the hold).
 */
export const mayAct = (state: LeaseState, now: number): boolean =>
  state.held && (now < state.validUntil || state.storeDown);

export type LeaseStep = { state: LeaseState; event?: 'acquired' | 'lost' };

/** The state after a store answer to a request sent at `sentAt` (an acquisition while standing by, a renewal). */
export function afterAnswer(
  state: LeaseState,
  answer: StoreAnswer,
  sentAt: number,
  ttlMs: number,
): LeaseStep {
  switch (answer.kind) {
    case 'ours': {
      const next = {
        held: true,
        validUntil: sentAt + ttlMs - marginOf(ttlMs),
        storeDown: false,
        owner: answer.record,
        ownerSeenAt: sentAt,
      };
      return state.held ? { state: next } : { state: next, event: 'acquired' };
    }
    case 'theirs': {
      const next = { ...initialLease, owner: answer.record, ownerSeenAt: sentAt };
      return state.held ? { state: next, event: 'lost' } : { state: next };
    }
    case 'no-answer':
      return { state: { ...state, storeDown: true } };
  }
}

/** Asterisk gave the app to another connection: whatever the store said, this instance no longer owns it. */
export function afterReplaced(state: LeaseState): LeaseStep {
  return state.held ? { state: { ...initialLease }, event: 'lost' } : { state };
}

/**
 * The owner a standby forwards to: the last one seen, while that sighting is recent (two TTLs), so a standby whose
 * store went quiet does not send commands to an instance that may have died long ago.
 */
export function knownOwner(state: LeaseState, now: number, ttlMs: number): OwnerRecord | undefined {
  if (state.held) return state.owner;
  if (!state.owner || state.ownerSeenAt === undefined) return undefined;
  return now - state.ownerSeenAt <= 2 * ttlMs ? state.owner : undefined;
}
