import type { Logger } from 'pino';
import type { AnyPbxEvent } from '../../bus/events.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import { listPresenceUsers, type PresenceUser } from '../../db/presence.repository.js';
import { createDirectoryCache } from '../calls/directory-cache.js';
import '../call-handling/call-handling.events.js';
import './presence.events.js';

/**
 * Who the users are and which SIP accounts are theirs, in memory: the accounts from the calls feature's directory
 * cache (desk `<ext>`, webphone `<ext>-web`, owned devices, the hot desk they are logged in on: what a call to them
 * rings), the rest (team, DND, status) from the users table, both kept current by bus events. `onChange` is told
 * which users to recompute after an event changed them (`'all'` when accounts may have moved between users).
 */
export function createPresenceDirectory(deps: {
  db: Db;
  bus: EventBus;
  logger: Logger;
  onChange: (userIds: string[] | 'all') => void;
}) {
  const accounts = createDirectoryCache(deps);
  const users = new Map<string, PresenceUser>();
  let owners = new Map<string, string>();
  let unsubscribe: (() => void) | undefined;

  function reindex(): void {
    const next = new Map<string, string>();
    for (const userId of users.keys())
      for (const account of accounts.accountsOf(userId)) next.set(account, userId);
    owners = next;
  }

  function apply(event: AnyPbxEvent): void {
    switch (event.type) {
      case 'user.created':
      case 'user.updated': {
        const { id, extension, displayName, teamId } = event.data;
        const known = users.get(id);
        users.set(id, {
          userId: id,
          extension,
          displayName,
          teamId,
          dnd: known?.dnd ?? false,
          status: known?.status ?? null,
        });
        reindex();
        return deps.onChange('all');
      }
      case 'user.deleted':
        users.delete(event.data.id);
        reindex();
        return deps.onChange('all');
      case 'user.dnd-changed': {
        const known = users.get(event.data.userId);
        if (known) users.set(known.userId, { ...known, dnd: event.data.enabled });
        return deps.onChange([event.data.userId]);
      }
      case 'presence.status-changed': {
        const known = users.get(event.data.userId);
        if (known) users.set(known.userId, { ...known, status: event.data.status });
        return deps.onChange([event.data.userId]);
      }
      case 'device.created':
      case 'device.updated':
      case 'device.deleted':
      case 'hotdesk.login':
      case 'hotdesk.logout':
        reindex();
        return deps.onChange('all');
      default:
        return undefined;
    }
  }

  async function load(): Promise<void> {
    await Promise.all([loadUsers(), accounts.reload()]);
    reindex();
  }

  async function loadUsers(): Promise<void> {
    const rows = await listPresenceUsers(deps.db);
    users.clear();
    for (const row of rows) users.set(row.userId, row);
    reindex();
  }

  return {
    async start(): Promise<void> {
      await accounts.start();
      unsubscribe = deps.bus.subscribe(apply);
      await loadUsers().catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'presence: could not load users'),
      );
    },
    /** Reads users and accounts again (every reconnect: a change made in the database while no event came). */
    reload: load,
    stop(): void {
      unsubscribe?.();
      accounts.stop();
    },
    user: (userId: string) => users.get(userId),
    userIds: () => [...users.keys()],
    accountsOf: (userId: string) => accounts.accountsOf(userId),
    ownerOf: (account: string) => owners.get(account),
  };
}

export type PresenceDirectory = ReturnType<typeof createPresenceDirectory>;
