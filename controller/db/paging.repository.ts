import { AppError } from '../errors.js';
import type { Db } from './database.js';
import { translateViolations } from './pg-errors.js';
import type { BusyPolicy, PagePriority, PagingGroupRow, PagingZoneRow } from './tables/paging.js';

/** A paging group as the API has it (SPEC core shapes). `members` in the order given. */
export interface PagingGroup {
  id: string;
  number: string;
  name: string;
  members: string[];
  everyone: boolean;
  priority: PagePriority;
  busyPolicy: BusyPolicy;
  beep: boolean;
  maxSeconds: number;
}

export interface PagingZone {
  id: string;
  number: string;
  name: string;
  groupIds: string[];
}

export type PagingGroupInput = Omit<PagingGroup, 'id'>;
export type PagingZoneInput = Omit<PagingZone, 'id'>;

const numberTaken = (number: string) => () =>
  new AppError('paging-number-taken', `the paging number ${number} is taken by another group or zone`);
const unknownMembers = () =>
  new AppError('unknown-members', 'a member extension belongs to no user (it may just have been deleted)');
const unknownGroups = () => new AppError('unknown-groups', 'a group of the zone does not exist (any more)');

const toGroup = (row: PagingGroupRow, members: string[]): PagingGroup => ({
  id: row.id,
  number: row.number,
  name: row.name,
  members,
  everyone: row.everyone,
  priority: row.priority,
  busyPolicy: row.busy_policy,
  beep: row.beep,
  maxSeconds: row.max_seconds,
});

const toZone = (row: PagingZoneRow, groupIds: string[]): PagingZone => ({
  id: row.id,
  number: row.number,
  name: row.name,
  groupIds,
});

async function membersByGroup(db: Db, groupIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await db
    .selectFrom('paging_group_members')
    .select(['group_id', 'extension'])
    .where('group_id', 'in', groupIds)
    .orderBy('group_id')
    .orderBy('position')
    .execute();
  for (const row of rows) out.get(row.group_id)?.push(row.extension);
  return out;
}

async function groupsByZone(db: Db, zoneIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(zoneIds.map((id) => [id, []]));
  if (zoneIds.length === 0) return out;
  const rows = await db
    .selectFrom('paging_zone_groups')
    .select(['zone_id', 'group_id'])
    .where('zone_id', 'in', zoneIds)
    .orderBy('zone_id')
    .orderBy('position')
    .execute();
  for (const row of rows) out.get(row.zone_id)?.push(row.group_id);
  return out;
}

/** Every group, by number. */
export async function listPagingGroups(db: Db, ids?: string[]): Promise<PagingGroup[]> {
  if (ids?.length === 0) return [];
  let query = db.selectFrom('paging_groups').selectAll();
  if (ids) query = query.where('id', 'in', ids);
  const rows = await query.orderBy('number').execute();
  const members = await membersByGroup(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toGroup(row, members.get(row.id) ?? []));
}

export async function findPagingGroup(db: Db, id: string): Promise<PagingGroup | undefined> {
  return (await listPagingGroups(db, [id]))[0];
}

export async function listPagingZones(db: Db, ids?: string[]): Promise<PagingZone[]> {
  if (ids?.length === 0) return [];
  let query = db.selectFrom('paging_zones').selectAll();
  if (ids) query = query.where('id', 'in', ids);
  const rows = await query.orderBy('number').execute();
  const groups = await groupsByZone(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toZone(row, groups.get(row.id) ?? []));
}

export async function findPagingZone(db: Db, id: string): Promise<PagingZone | undefined> {
  return (await listPagingZones(db, [id]))[0];
}

/** What a paging number is: a group, a zone, or nothing. */
export async function findPagingNumber(
  db: Db,
  number: string,
): Promise<{ kind: 'group'; id: string } | { kind: 'zone'; id: string } | undefined> {
  const group = await db
    .selectFrom('paging_groups')
    .select('id')
    .where('number', '=', number)
    .executeTakeFirst();
  if (group) return { kind: 'group', id: group.id };
  const zone = await db
    .selectFrom('paging_zones')
    .select('id')
    .where('number', '=', number)
    .executeTakeFirst();
  return zone && { kind: 'zone', id: zone.id };
}

/** Of these extensions, those no user has. */
export async function unknownExtensions(db: Db, extensions: string[]): Promise<string[]> {
  if (extensions.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .select('extension')
    .where('extension', 'in', extensions)
    .execute();
  const known = new Set(rows.map((r) => r.extension));
  return extensions.filter((e) => !known.has(e));
}

/** Of these group ids, those that are no group. */
export async function unknownGroupIds(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('paging_groups').select('id').where('id', 'in', ids).execute();
  const known = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/** Takes a number (unique across groups and zones: the primary key decides), or moves `from` to it. */
async function claimNumber(db: Db, number: string, kind: 'group' | 'zone', from?: string): Promise<void> {
  if (from === number) return;
  await translateViolations(
    async () => {
      if (from === undefined) await db.insertInto('paging_numbers').values({ number, kind }).execute();
      else await db.updateTable('paging_numbers').set({ number }).where('number', '=', from).execute();
    },
    { paging_numbers_pkey: numberTaken(number) },
  );
}

async function setMembers(db: Db, groupId: string, members: string[]): Promise<void> {
  await db.deleteFrom('paging_group_members').where('group_id', '=', groupId).execute();
  if (members.length === 0) return;
  await translateViolations(
    () =>
      db
        .insertInto('paging_group_members')
        .values(members.map((extension, position) => ({ group_id: groupId, extension, position })))
        .execute(),
    { paging_group_members_extension_fkey: unknownMembers },
  );
}

async function setZoneGroups(db: Db, zoneId: string, groupIds: string[]): Promise<void> {
  await db.deleteFrom('paging_zone_groups').where('zone_id', '=', zoneId).execute();
  if (groupIds.length === 0) return;
  await translateViolations(
    () =>
      db
        .insertInto('paging_zone_groups')
        .values(groupIds.map((group_id, position) => ({ zone_id: zoneId, group_id, position })))
        .execute(),
    { paging_zone_groups_group_id_fkey: unknownGroups },
  );
}

const groupColumns = (input: PagingGroupInput) => ({
  number: input.number,
  name: input.name,
  everyone: input.everyone,
  priority: input.priority,
  busy_policy: input.busyPolicy,
  beep: input.beep,
  max_seconds: input.maxSeconds,
});

/** In the caller's transaction: the number, the row, the members. */
export async function insertPagingGroup(trx: Db, input: PagingGroupInput): Promise<PagingGroup> {
  await claimNumber(trx, input.number, 'group');
  const row = await trx
    .insertInto('paging_groups')
    .values(groupColumns(input))
    .returningAll()
    .executeTakeFirstOrThrow();
  await setMembers(trx, row.id, input.members);
  return toGroup(row, input.members);
}

/** In the caller's transaction; `before` is the group as it was (read in the same transaction). */
export async function updatePagingGroup(
  trx: Db,
  before: PagingGroup,
  input: PagingGroupInput,
): Promise<PagingGroup> {
  await claimNumber(trx, input.number, 'group', before.number);
  const row = await trx
    .updateTable('paging_groups')
    .set({ ...groupColumns(input), updated_at: new Date() })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await setMembers(trx, row.id, input.members);
  return toGroup(row, input.members);
}

export async function deletePagingGroup(trx: Db, group: PagingGroup): Promise<void> {
  await translateViolations(() => trx.deleteFrom('paging_groups').where('id', '=', group.id).execute(), {
    paging_zone_groups_group_id_fkey: () =>
      new AppError('paging-group-in-use', 'the group is in a zone; take it out of the zone first'),
  });
  await trx.deleteFrom('paging_numbers').where('number', '=', group.number).execute();
}

export async function insertPagingZone(trx: Db, input: PagingZoneInput): Promise<PagingZone> {
  await claimNumber(trx, input.number, 'zone');
  const row = await trx
    .insertInto('paging_zones')
    .values({ number: input.number, name: input.name })
    .returningAll()
    .executeTakeFirstOrThrow();
  await setZoneGroups(trx, row.id, input.groupIds);
  return toZone(row, input.groupIds);
}

export async function updatePagingZone(
  trx: Db,
  before: PagingZone,
  input: PagingZoneInput,
): Promise<PagingZone> {
  await claimNumber(trx, input.number, 'zone', before.number);
  const row = await trx
    .updateTable('paging_zones')
    .set({ number: input.number, name: input.name, updated_at: new Date() })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await setZoneGroups(trx, row.id, input.groupIds);
  return toZone(row, input.groupIds);
}

export async function deletePagingZone(trx: Db, zone: PagingZone): Promise<void> {
  await trx.deleteFrom('paging_zones').where('id', '=', zone.id).execute();
  await trx.deleteFrom('paging_numbers').where('number', '=', zone.number).execute();
}

/** Row-locks a group or zone for a change in this transaction (two PATCHes of one group serialise). */
export async function lockPagingRow(
  trx: Db,
  table: 'paging_groups' | 'paging_zones',
  id: string,
): Promise<boolean> {
  const row = await trx.selectFrom(table).select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return row !== undefined;
}
