import type { Logger } from 'pino';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { AnyPbxEvent } from '../../bus/events.js';
import type { Db } from '../../db/database.js';
import { ownerKey, planFullSync, planOwnerChange, type OwnerKey } from './accounts.decider.js';
import { findAccountOwner, listAccountOwners } from '../../db/accounts.repository.js';
import { accountsOf, type AccountOwner, type SipAccount } from './sip-objects.js';
import { mapLimit, ownedEndpointIds, runOp, SYNC_CONCURRENCY } from './sip-provisioner.js';
import '../devices/devices.events.js';
import '../hotdesk/hotdesk.events.js';
import '../users/users.events.js';

export interface AccountsService {
  /** Pushes every account and removes stale ones (runs by itself on every ARI connect). */
  syncAll(): Promise<void>;
  stop(): Promise<void>;
}

export interface AccountsDeps {
  db: Db;
  bus: EventBus;
  connection: PbxConnection;
  logger: Logger;
  /** Delay before a full sync after a failed push or delete. Default 5 s. */
  retryMs?: number;
}

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
export function startAccountsService(deps: AccountsDeps): AccountsService {
  const { db, connection } = deps;
  const pbx = connection.pbx;
  const logger = deps.logger.child({ component: 'accounts' });
  const pushed = new Map<OwnerKey, SipAccount[]>();
  let queue: Promise<void> = Promise.resolve();
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const enqueue = (task: () => Promise<void>): Promise<void> => {
    queue = queue.then(task).catch((error: unknown) => {
      logger.error({ err: error }, 'SIP provisioning failed');
      retrySoon();
    });
    return queue;
  };

  /** Something failed (Asterisk or the database hiccuped): a full sync soon, unless one is already planned. */
  function retrySoon(): void {
    if (retryTimer || stopped) return;
    const retryMs = deps.retryMs ?? 5000;
    logger.warn({ retryInMs: retryMs }, 'SIP provisioning incomplete; full sync scheduled');
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (connection.state() === 'connected') void enqueue(syncAll);
    }, retryMs);
    retryTimer.unref();
  }

  async function syncAll(): Promise<void> {
    const owners = await listAccountOwners(db);
    const plan = planFullSync(
      owners,
      await ownedEndpointIds(pbx, new Set(owners.flatMap(accountsOf).map((a) => a.id))),
    );
    for (const conflict of plan.conflicts)
      logger.error(conflict, 'two owners claim one SIP account name; the first keeps it');
    const results = await mapLimit(plan.ops, SYNC_CONCURRENCY, (op) => runOp(pbx, op, logger));
    pushed.clear();
    for (const [key, accounts] of plan.pushed) pushed.set(key, accounts);
    const failed = results.filter((ok) => !ok).length;
    logger.info({ accounts: plan.ops.length, failed }, 'SIP accounts pushed to Asterisk');
    if (failed > 0) retrySoon();
  }

  /** Brings one owner's accounts in line with the database; `gone` is the owner as its deletion event saw it. */
  async function syncOwner(kind: AccountOwner['kind'], id: string, gone?: AccountOwner): Promise<void> {
    const key = ownerKey({ kind, id });
    const owner = gone ? undefined : await findAccountOwner(db, kind, id);
    const before = pushed.get(key) ?? (gone ? accountsOf(gone) : []);
    const after = owner ? accountsOf(owner) : [];
    let failed = false;
    for (const op of planOwnerChange(before, after)) failed = !(await runOp(pbx, op, logger)) || failed;
    if (failed) retrySoon();
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
      stopped = true;
      clearTimeout(retryTimer);
      stopListening();
      stopSyncing();
      await queue;
    },
  };
}

/** The owner a bus event is about; for a deletion also what the event said it was (its accounts to remove). */
function ownerChange(
  event: AnyPbxEvent,
): { kind: AccountOwner['kind']; id: string; gone?: AccountOwner } | undefined {
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
    // A hot desk's caller ID follows whoever is logged in on it.
    case 'hotdesk.login':
    case 'hotdesk.logout':
      return { kind: 'device', id: event.data.deviceId };
    case 'device.deleted': {
      const { id, name } = event.data;
      return { kind: 'device', id, gone: { kind: 'device', id, name, sipPassword: '' } };
    }
    default:
      return undefined;
  }
}
