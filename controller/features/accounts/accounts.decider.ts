import type { SipObjectField } from '../../ari/pbx.port.js';
import { accountsOf, type AccountOwner, type SipAccount, type SipFields } from './sip-objects.js';

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

/**
 * How an account's AOR is pushed. Never as an update: ARI's PUT of an existing object applies the fields over a copy
 * of the old one, and an AOR's copy carries its `contact` field, which lists the registered (dynamic) contacts as
 * well — so they come back as permanent contacts of the new AOR object, which no un-REGISTER removes (measured on
 * Asterisk 22.10.1: after a re-push and a clean REGISTER expires=0 the contact stayed, was qualified, and calls were
 * still sent to it). So: no AOR → create it; the same fields and no such copies → leave it alone; otherwise delete it
 * (which drops its contacts: its phones are reachable again at their next REGISTER) and create it.
 */
export type AorPush = 'create' | 'keep' | 'recreate';

export function planAorPush(
  existing: readonly SipObjectField[] | undefined,
  wanted: SipFields,
  permanentCopies: number,
): AorPush {
  if (!existing) return 'create';
  if (permanentCopies > 0) return 'recreate';
  return Object.entries(wanted).every(([attribute, value]) => sameValue(fieldOf(existing, attribute), value))
    ? 'keep'
    : 'recreate';
}

/**
 * The contacts an AOR lists (`contact` attributes: dynamic and permanent alike) beyond those a registration stands
 * behind: each URI counts once if registered, and every other listing of it is a permanent copy.
 */
export function permanentCopiesOf(listed: readonly string[], registered: ReadonlySet<string>): string[] {
  const seen = new Map<string, number>();
  return listed.filter((uri) => {
    const count = (seen.get(uri) ?? 0) + 1;
    seen.set(uri, count);
    return count > (registered.has(uri) ? 1 : 0);
  });
}

/** The AOR's listed contact URIs. */
export const contactsOf = (fields: readonly SipObjectField[]) =>
  fields.filter((f) => f.attribute === 'contact' && f.value !== '').map((f) => f.value);

const fieldOf = (fields: readonly SipObjectField[], attribute: string) =>
  fields.find((f) => f.attribute === attribute)?.value;

/** Asterisk reports booleans as `true`/`false` whatever was pushed (`yes`, `on`, `1`). */
function sameValue(reported: string | undefined, pushed: string): boolean {
  if (reported === undefined) return false;
  const truth = (v: string) =>
    /^(yes|true|on|1)$/i.test(v) ? 'true' : /^(no|false|off|0)$/i.test(v) ? 'false' : v;
  return reported === pushed || truth(reported) === truth(pushed);
}
