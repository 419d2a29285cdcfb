import { accountsOf, type AccountOwner, type SipAccount } from './sip-objects.js';

/**
 * Pure planning of SIP provisioning: what the controller has pushed to Asterisk and what the database says now in,
 * the account operations to run out. The shell (accounts.service.ts) runs them through the Pbx port.
 */
export type AccountOp = { kind: 'push'; account: SipAccount } | { kind: 'remove'; id: string };

/** Who owns a set of accounts: `user:<id>` or `device:<id>`. */
export type OwnerKey = `${AccountOwner['kind']}:${string}`;

export const ownerKey = (owner: Pick<AccountOwner, 'kind' | 'id'>): OwnerKey => `${owner.kind}:${owner.id}`;

/**
 * One owner changed (created, updated, deleted: `after` empty). Accounts no longer wanted are removed first (an
 * extension change removes the old names), then new or changed ones are pushed; unchanged ones are left alone.
 */
export function planOwnerChange(before: readonly SipAccount[], after: readonly SipAccount[]): AccountOp[] {
  const wanted = new Set(after.map((a) => a.id));
  const previous = new Map(before.map((a) => [a.id, a]));
  const removes: AccountOp[] = before
    .filter((a) => !wanted.has(a.id))
    .map((a) => ({ kind: 'remove', id: a.id }));
  const pushes: AccountOp[] = after
    .filter((a) => !sameAccount(previous.get(a.id), a))
    .map((account) => ({ kind: 'push', account }));
  return [...removes, ...pushes];
}

export interface FullSyncPlan {
  ops: AccountOp[];
  /** Owners' accounts by owner, as they will be once the plan ran: the shell's new record of what it pushed. */
  pushed: Map<OwnerKey, SipAccount[]>;
  /** Account names two owners both claim: the first owner keeps it. */
  conflicts: { id: string; owner: OwnerKey }[];
}

/**
 * After a (re)connect: Asterisk may have restarted (memory objects gone) or missed changes while the controller was
 * away, so every account is pushed again, and endpoints the controller once pushed (`ownedEndpointIds`, found by
 * their marker) that no owner wants any more are removed.
 */
export function planFullSync(
  owners: readonly AccountOwner[],
  ownedEndpointIds: readonly string[],
): FullSyncPlan {
  const claimed = new Map<string, OwnerKey>();
  const pushed = new Map<OwnerKey, SipAccount[]>();
  const conflicts: FullSyncPlan['conflicts'] = [];
  for (const owner of owners) {
    const key = ownerKey(owner);
    const accounts = accountsOf(owner).filter((account) => {
      if (!claimed.has(account.id)) return (claimed.set(account.id, key), true);
      conflicts.push({ id: account.id, owner: key });
      return false;
    });
    pushed.set(key, accounts);
  }
  const stale: AccountOp[] = ownedEndpointIds
    .filter((id) => !claimed.has(id))
    .map((id) => ({ kind: 'remove', id }));
  const pushes: AccountOp[] = [...pushed.values()].flat().map((account) => ({ kind: 'push', account }));
  return { ops: [...stale, ...pushes], pushed, conflicts };
}

function sameAccount(a: SipAccount | undefined, b: SipAccount): boolean {
  return (
    a !== undefined &&
    sameFields(a.auth, b.auth) &&
    sameFields(a.aor, b.aor) &&
    sameFields(a.endpoint, b.endpoint)
  );
}

function sameFields(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
