import type { Logger } from 'pino';
import type { Pbx, PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { AnyPbxEvent } from '../../bus/events.js';
import type { Db } from '../../db/database.js';
import { ownerKey, planFullSync, planOwnerChange, type AccountOp, type OwnerKey } from './accounts.decider.js';
import { findAccountOwner, listAccountOwners } from './accounts.repository.js';
import { accountsOf, DELETE_ORDER, isOwnedEndpoint, PUSH_ORDER, type AccountOwner, type SipAccount } from './sip-objects.js';
import '../devices/devices.events.js';
import '../users/users.events.js';

export interface AccountsService {
  /** Pushes every account and removes stale ones (runs by itself on every ARI connect). */
  syncAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Accounts pushed at once during a full sync. */
const SYNC_CONCURRENCY = 8;

/**
 * SIP provisioning shell. The database is the source of truth; Asterisk holds the accounts in a `memory` sorcery
 * wizard (pushed over ARI, lost when Asterisk restarts), so:
 * - on every ARI (re)connect every account is pushed again and endpoints this controller once pushed that no user or
 *   device wants any more are removed;
 * - on `user.*` / `device.*` events (from this instance or relayed from another) that owner's accounts are pushed or
 *   removed at once. Only the instance that holds the ARI app does this; the others would only repeat it, and the
 *   next connect's full sync covers anything missed while disconnected.
 * All work runs one task at a time, in event order. Passwords go to Asterisk and nowhere else: logs name accounts only.
 */
export function startAccountsService(deps: { db: Db; bus: EventBus; connection: PbxConnection; logger: Logger }): AccountsService {
  const { db, connection } = deps;
  const pbx = connection.pbx;
  const logger = deps.logger.child({ component: 'accounts' });
  const pushed = new Map<OwnerKey, SipAccount[]>();
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (task: () => Promise<void>): Promise<void> => {
    queue = queue.then(task).catch((error: unknown) => logger.error({ err: error }, 'SIP provisioning failed'));
    return queue;
  };

  async function syncAll(): Promise<void> {
    const owners = await listAccountOwners(db);
    const plan = planFullSync(owners, await ownedEndpointIds(pbx, new Set(owners.flatMap(accountsOf).map((a) => a.id))));
    for (const conflict of plan.conflicts) logger.error(conflict, 'two owners claim one SIP account name; the first keeps it');
    const results = await mapLimit(plan.ops, SYNC_CONCURRENCY, (op) => runOp(pbx, op, logger));
    pushed.clear();
    for (const [key, accounts] of plan.pushed) pushed.set(key, accounts);
    const failed = results.filter((ok) => !ok).length;
    logger.info({ accounts: plan.ops.length, failed }, 'SIP accounts pushed to Asterisk');
  }

  /** Brings one owner's accounts in line with the database; `gone` is the owner as its deletion event saw it. */
  async function syncOwner(kind: AccountOwner['kind'], id: string, gone?: AccountOwner): Promise<void> {
    const key = ownerKey({ kind, id });
    const owner = gone ? undefined : await findAccountOwner(db, kind, id);
    const before = pushed.get(key) ?? (gone ? accountsOf(gone) : []);
    const after = owner ? accountsOf(owner) : [];
    for (const op of planOwnerChange(before, after)) await runOp(pbx, op, logger);
    if (after.length > 0) pushed.set(key, after);
    else pushed.delete(key);
  }

  const onEvent = (event: AnyPbxEvent) => {
    const change = ownerChange(event);
    if (!change || connection.state() !== 'connected') return;
    void enqueue(() => syncOwner(change.kind, change.id, change.gone));
  };

  const stopListening = deps.bus.subscribe(onEvent);
  const stopSyncing = connection.onConnected(() => enqueue(syncAll));
  if (connection.state() === 'connected') void enqueue(syncAll);
  return {
    syncAll: () => enqueue(syncAll),
    async stop() {
      stopListening();
      stopSyncing();
      await queue;
    },
  };
}

/** The owner a bus event is about; for a deletion also what the event said it was (its accounts to remove). */
function ownerChange(event: AnyPbxEvent): { kind: AccountOwner['kind']; id: string; gone?: AccountOwner } | undefined {
  switch (event.type) {
    case 'user.created':
    case 'user.updated':
      return { kind: 'user', id: event.data.id };
    case 'user.deleted': {
      const { id, extension, displayName } = event.data;
      return { kind: 'user', id, gone: { kind: 'user', id, extension, displayName, sipPassword: '' } };
    }
    case 'device.created':
    case 'device.updated':
      return { kind: 'device', id: event.data.id };
    case 'device.deleted': {
      const { id, name } = event.data;
      return { kind: 'device', id, gone: { kind: 'device', id, name, sipPassword: '' } };
    }
    default:
      return undefined;
  }
}

/** PJSIP endpoints in Asterisk that are not wanted but carry this controller's marker: stale, to be removed. */
async function ownedEndpointIds(pbx: Pbx, wanted: ReadonlySet<string>): Promise<string[]> {
  const endpoints = await pbx.listEndpoints();
  if (!endpoints.ok) return [];
  const candidates = endpoints.value.filter((e) => e.technology === 'PJSIP' && !wanted.has(e.resource)).map((e) => e.resource);
  const owned = await mapLimit(candidates, SYNC_CONCURRENCY, async (id) => {
    const object = await pbx.getSipObject('endpoint', id);
    return object.ok && isOwnedEndpoint(object.value);
  });
  return candidates.filter((_, i) => owned[i]);
}

async function runOp(pbx: Pbx, op: AccountOp, logger: Logger): Promise<boolean> {
  return op.kind === 'push' ? pushAccount(pbx, op.account, logger) : removeAccount(pbx, op.id, logger);
}

/** auth, aor, endpoint: each object exists before anything refers to it. */
async function pushAccount(pbx: Pbx, account: SipAccount, logger: Logger): Promise<boolean> {
  for (const type of PUSH_ORDER) {
    const outcome = await pbx.putSipObject(type, account.id, account[type]);
    if (!outcome.ok) {
      logger.warn({ account: account.id, object: type, reason: outcome.reason, message: outcome.message }, 'could not push a SIP account');
      return false;
    }
  }
  logger.debug({ account: account.id }, 'SIP account pushed');
  return true;
}

/** endpoint, aor, auth. 403 means the object comes from pjsip.conf: not ours to delete, so stop there. */
async function removeAccount(pbx: Pbx, id: string, logger: Logger): Promise<boolean> {
  for (const type of DELETE_ORDER) {
    const outcome = await pbx.deleteSipObject(type, id);
    if (outcome.ok || outcome.reason === 'gone') continue;
    if (outcome.reason === 'rejected') {
      logger.info({ account: id, object: type }, 'SIP account comes from pjsip.conf, not the controller: left alone');
      return true;
    }
    logger.warn({ account: id, object: type, reason: outcome.reason, message: outcome.message }, 'could not remove a SIP account');
    return false;
  }
  logger.info({ account: id }, 'SIP account removed');
  return true;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
