import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import {
  deletePagingGroup,
  deletePagingZone,
  findPagingGroup,
  findPagingZone,
  insertPagingGroup,
  insertPagingZone,
  listPagingGroups,
  listPagingZones,
  lockPagingRow,
  unknownExtensions,
  unknownGroupIds,
  updatePagingGroup,
  updatePagingZone,
  type PagingGroup,
  type PagingGroupInput,
  type PagingZone,
  type PagingZoneInput,
} from '../../db/paging.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { asActor, requireRole } from '../users/actor.js';
import type { CreateGroupBody, CreateZoneBody, UpdateGroupBody, UpdateZoneBody } from './paging.schemas.js';

const noSuchGroup = () => new AppError('no-such-paging-group', 'paging group not found');
const noSuchZone = () => new AppError('no-such-paging-zone', 'paging zone not found');

/** 400 naming every member extension no user has (checked in the write's transaction; the foreign key backs it). */
async function checkMembers(trx: Db, members: string[]): Promise<void> {
  const unknown = await unknownExtensions(trx, members);
  if (unknown.length > 0)
    throw new AppError('unknown-members', `no user has the extension ${unknown.join(', ')}`, {
      extensions: unknown,
    });
}

async function checkGroups(trx: Db, groupIds: string[]): Promise<void> {
  const unknown = await unknownGroupIds(trx, groupIds);
  if (unknown.length > 0)
    throw new AppError('unknown-groups', `no paging group has the id ${unknown.join(', ')}`, {
      groupIds: unknown,
    });
}

/** Paging groups and zones: everyone reads, admins write; every change is audited in its own transaction. */
export function createPagingConfigService(db: Db) {
  async function audited<T extends { id: string }>(
    actor: Principal,
    action: string,
    target: (id: string) => string,
    change: (trx: Db) => Promise<{ result: T; details: Record<string, unknown> }>,
  ): Promise<T> {
    requireRole(actor, 'admin');
    return asActor(db, actor, async (trx) => {
      const { result, details } = await change(trx);
      await writeAudit(trx, {
        actorUserId: actor.userId,
        actor: auditActor(actor),
        action,
        target: target(result.id),
        details,
      });
      return result;
    });
  }

  async function lockedGroup(trx: Db, id: string): Promise<PagingGroup> {
    if (!(await lockPagingRow(trx, 'paging_groups', id))) throw noSuchGroup();
    const group = await findPagingGroup(trx, id);
    if (!group) throw noSuchGroup();
    return group;
  }

  async function lockedZone(trx: Db, id: string): Promise<PagingZone> {
    if (!(await lockPagingRow(trx, 'paging_zones', id))) throw noSuchZone();
    const zone = await findPagingZone(trx, id);
    if (!zone) throw noSuchZone();
    return zone;
  }

  return {
    listGroups: async () => ({ items: await listPagingGroups(db) }),
    async getGroup(id: string): Promise<PagingGroup> {
      const group = await findPagingGroup(db, id);
      if (!group) throw noSuchGroup();
      return group;
    },
    createGroup: (actor: Principal, body: CreateGroupBody) =>
      audited(actor, 'paging-group.created', auditTarget.pagingGroup, async (trx) => {
        await checkMembers(trx, body.members);
        const group = await insertPagingGroup(trx, body);
        return { result: group, details: { group } };
      }),
    updateGroup: (actor: Principal, id: string, body: UpdateGroupBody) =>
      audited(actor, 'paging-group.updated', auditTarget.pagingGroup, async (trx) => {
        const before = await lockedGroup(trx, id);
        const input: PagingGroupInput = { ...before, ...body };
        if (body.members) await checkMembers(trx, body.members);
        const group = await updatePagingGroup(trx, before, input);
        return { result: group, details: { before, after: group } };
      }),
    removeGroup: (actor: Principal, id: string) =>
      audited(actor, 'paging-group.deleted', auditTarget.pagingGroup, async (trx) => {
        const group = await lockedGroup(trx, id);
        await deletePagingGroup(trx, group);
        return { result: group, details: { group } };
      }),

    listZones: async () => ({ items: await listPagingZones(db) }),
    async getZone(id: string): Promise<PagingZone> {
      const zone = await findPagingZone(db, id);
      if (!zone) throw noSuchZone();
      return zone;
    },
    createZone: (actor: Principal, body: CreateZoneBody) =>
      audited(actor, 'paging-zone.created', auditTarget.pagingZone, async (trx) => {
        await checkGroups(trx, body.groupIds);
        const zone = await insertPagingZone(trx, body);
        return { result: zone, details: { zone } };
      }),
    updateZone: (actor: Principal, id: string, body: UpdateZoneBody) =>
      audited(actor, 'paging-zone.updated', auditTarget.pagingZone, async (trx) => {
        const before = await lockedZone(trx, id);
        const input: PagingZoneInput = { ...before, ...body };
        if (body.groupIds) await checkGroups(trx, body.groupIds);
        const zone = await updatePagingZone(trx, before, input);
        return { result: zone, details: { before, after: zone } };
      }),
    removeZone: (actor: Principal, id: string) =>
      audited(actor, 'paging-zone.deleted', auditTarget.pagingZone, async (trx) => {
        const zone = await lockedZone(trx, id);
        await deletePagingZone(trx, zone);
        return { result: zone, details: { zone } };
      }),
  };
}

export type PagingConfigService = ReturnType<typeof createPagingConfigService>;
