import type { EventBus } from '../../bus/event-bus.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import {
  deleteDevice,
  findDeviceRowById,
  insertDevice,
  listDevices,
  toDevice,
  updateDevice,
  type Device,
  type DeviceFilter,
} from '../../db/devices.repository.js';
import type { PageRequest } from '../../db/pagination.js';
import type { DeviceUpdate } from '../../db/tables/devices.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { randomSipPassword } from '../auth/password.js';
import { asActor, requireRole } from '../users/actor.js';
import type { CreateDeviceBody, UpdateDeviceBody } from './devices.schemas.js';
import './devices.events.js';

type DeviceEvent = 'device.created' | 'device.updated' | 'device.deleted';

/** Every role reads devices (never their SIP password); only admins create, change or delete them. */
export function createDevicesService(deps: { db: Db; bus: EventBus }) {
  const { db, bus } = deps;

  const change = async (
    principal: Principal,
    action: DeviceEvent,
    work: (trx: Db) => Promise<Device | undefined>,
  ) => {
    const actor = principal;
    requireRole(actor, 'admin');
    const device = await asActor(db, actor, async (trx) => {
      const result = await work(trx);
      if (!result) throw new AppError('no-such-device', 'device not found');
      await writeAudit(trx, {
        actorUserId: actor.userId,
        actor: auditActor(actor),
        action,
        target: auditTarget.device(result.id),
        details: { name: result.name, hotdesk: result.hotdesk },
      });
      return result;
    });
    bus.publish(action, device);
    return device;
  };

  return {
    async list(principal: Principal, filter: DeviceFilter, page: PageRequest) {
      return listDevices(db, filter, page);
    },
    async get(principal: Principal, id: string): Promise<Device> {
      const row = await findDeviceRowById(db, id);
      if (!row) throw new AppError('no-such-device', 'device not found');
      return toDevice(row);
    },
    create: (principal: Principal, body: CreateDeviceBody) =>
      change(principal, 'device.created', (trx) =>
        insertDevice(trx, {
          id: body.id,
          name: body.name,
          location: body.location ?? '',
          hotdesk: body.hotdesk ?? false,
          owner_user_id: body.ownerUserId ?? null,
          sip_password: body.sipPassword ?? randomSipPassword(),
        }),
      ),
    update: (principal: Principal, id: string, body: UpdateDeviceBody) =>
      change(principal, 'device.updated', (trx) => updateDevice(trx, id, toDeviceUpdate(body))),
    remove: (principal: Principal, id: string) =>
      change(principal, 'device.deleted', (trx) => deleteDevice(trx, id)),
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;

function toDeviceUpdate(body: UpdateDeviceBody): DeviceUpdate {
  const changes: DeviceUpdate = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.location !== undefined) changes.location = body.location;
  if (body.hotdesk !== undefined) changes.hotdesk = body.hotdesk;
  if (body.ownerUserId !== undefined) changes.owner_user_id = body.ownerUserId;
  if (body.sipPassword !== undefined) changes.sip_password = body.sipPassword;
  return changes;
}
