import type { Pbx } from '../../ari/pbx.port.js';
import { findByExtension, type DirectoryEntry } from '../../db/calls-directory.repository.js';
import type { Db } from '../../db/database.js';
import { extensionsInDnd } from '../../db/dnd.repository.js';
import {
  findPagingGroup,
  findPagingNumber,
  findPagingZone,
  listPagingGroups,
  type PagingGroup,
} from '../../db/paging.repository.js';
import { AppError } from '../../errors.js';
import { targetsOf } from '../calls/call-directory.js';
import type { Activity, MemberCandidate, PagePriority, PageState } from './paging.types.js';

/** What is paged: a number a phone dialled, or the API's groupId / zoneId. */
export type PageTarget = { number: string } | { groupId: string } | { zoneId: string };

export interface ResolvedTarget {
  number: string;
  name: string;
  groups: PagingGroup[];
}

const noSuchNumber = () => new AppError('no-such-paging-number', 'no paging group or zone has that number');

/** The groups a target pages (a zone: all of its groups). */
export async function resolveTarget(db: Db, target: PageTarget): Promise<ResolvedTarget> {
  if ('number' in target) {
    const found = await findPagingNumber(db, target.number);
    if (!found) throw noSuchNumber();
    return found.kind === 'group'
      ? resolveTarget(db, { groupId: found.id })
      : resolveTarget(db, { zoneId: found.id });
  }
  if ('groupId' in target) {
    const group = await findPagingGroup(db, target.groupId);
    if (!group) throw new AppError('no-such-paging-group', 'paging group not found');
    return { number: group.number, name: group.name, groups: [group] };
  }
  const zone = await findPagingZone(db, target.zoneId);
  if (!zone) throw new AppError('no-such-paging-zone', 'paging zone not found');
  return { number: zone.number, name: zone.name, groups: await listPagingGroups(db, zone.groupIds) };
}

/**
 * A zone's settings from its groups: emergency if any group is, `force` if any group forces, a beep if any beeps,
 * the longest maximum. A group's are its own.
 */
export function settingsOf(groups: PagingGroup[], priority?: PagePriority) {
  return {
    priority: priority ?? (groups.some((g) => g.priority === 'emergency') ? 'emergency' : 'normal'),
    busyPolicy: groups.some((g) => g.busyPolicy === 'force') ? ('force' as const) : ('skip' as const),
    beep: groups.some((g) => g.beep),
    maxSeconds: Math.max(1, ...groups.map((g) => g.maxSeconds)),
  };
}

/** Every extension the groups page, each once, in order; `everyone` = every user. */
export async function memberExtensions(db: Db, groups: PagingGroup[]): Promise<string[]> {
  if (groups.some((g) => g.everyone)) {
    const rows = await db.selectFrom('users').select('extension').orderBy('extension').execute();
    return rows.map((r) => r.extension);
  }
  return [...new Set(groups.flatMap((g) => g.members))];
}

export interface Presence {
  /** Endpoint resource → registered. */
  registered: Map<string, boolean>;
  /** Endpoint resource → the activity of its channels that are not a page's. */
  activity: Map<string, Activity>;
}

const activityOf = (state: string): Activity | undefined =>
  state === 'Up' ? 'on-call' : ['Ring', 'Ringing', 'Down', 'Dialing'].includes(state) ? 'ringing' : undefined;

/** Registrations and what every account is doing, from Asterisk (channels of pages left out). */
export async function readPresence(
  pbx: Pbx,
  isPageChannel: (channelId: string) => boolean,
): Promise<Presence> {
  const [endpoints, channels] = await Promise.all([pbx.listEndpoints(), pbx.listChannels()]);
  if (!endpoints.ok || !channels.ok) throw new AppError('asterisk-unreachable', 'Asterisk cannot be reached');
  const stateOf = new Map(channels.value.map((c) => [c.id, c.state]));
  const presence: Presence = { registered: new Map(), activity: new Map() };
  for (const endpoint of endpoints.value) {
    if (endpoint.technology !== 'PJSIP') continue;
    presence.registered.set(endpoint.resource, endpoint.state === 'online');
    let activity: Activity = 'idle';
    for (const channelId of endpoint.channelIds) {
      if (isPageChannel(channelId)) continue;
      const found = activityOf(stateOf.get(channelId) ?? '');
      if (found === 'on-call') activity = 'on-call';
      else if (found === 'ringing' && activity === 'idle') activity = 'ringing';
    }
    presence.activity.set(endpoint.resource, activity);
  }
  return presence;
}

/** Where each extension is connected in a live page now (its legs there). */
function pageMembership(pages: PageState[]): Map<string, MemberCandidate['inPage']> {
  const out = new Map<string, MemberCandidate['inPage']>();
  for (const page of pages) {
    if (page.phase === 'ended' || page.phase === 'ending') continue;
    for (const member of page.members) {
      const channelIds = member.legs
        .filter((l) => l.state !== 'gone' && l.state !== 'pending')
        .map((l) => l.channelId);
      if (channelIds.length > 0 && member.status !== 'left')
        out.set(member.extension, { pageId: page.id, priority: page.priority, channelIds });
    }
  }
  return out;
}

/** Each member with their accounts' presence, DND, and any page they are in; `everyone` keeps only the registered. */
export async function candidatesOf(
  db: Db,
  extensions: string[],
  presence: Presence,
  livePages: PageState[],
  everyone: boolean,
): Promise<MemberCandidate[]> {
  const dnd = await extensionsInDnd(db, extensions);
  const inPage = pageMembership(livePages);
  const entries = (await Promise.all(extensions.map((e) => findByExtension(db, e)))).filter(
    (e): e is DirectoryEntry => e !== undefined,
  );
  const candidates = entries.map((entry): MemberCandidate => {
    const accounts = targetsOf(entry).map(({ endpoint }) => {
      const resource = endpoint.replace(/^PJSIP\//, '');
      return {
        endpoint,
        registered: presence.registered.get(resource) ?? false,
        activity: presence.activity.get(resource) ?? 'idle',
      };
    });
    const page = inPage.get(entry.extension);
    return {
      extension: entry.extension,
      dnd: dnd.has(entry.extension),
      accounts,
      ...(page ? { inPage: page } : {}),
    };
  });
  return everyone ? candidates.filter((c) => c.accounts.some((a) => a.registered)) : candidates;
}
