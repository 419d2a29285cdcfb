import type { EventBus } from '../../bus/event-bus.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import type { PageRequest } from '../../db/pagination.js';
import type { TrunkRow, TrunkUpdate } from '../../db/tables/trunks.js';
import {
  deleteTrunk,
  findTrunkRow,
  insertTrunk,
  listTrunks,
  lockTrunkRow,
  toTrunk,
  updateTrunk,
} from '../../db/trunks.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { asActor, requireRole } from '../users/actor.js';
import './trunks.events.js';
import {
  trunkProblems,
  type CreateTrunkBody,
  type Trunk,
  type UpdateTrunkBody,
} from './trunks.schemas.js';

type TrunkEvent = 'trunk.created' | 'trunk.updated' | 'trunk.deleted';

const noSuchTrunk = () => new AppError('no-such-trunk', 'trunk not found');

/** What the audit log keeps of a trunk: never its credentials. */
const auditDetails = (trunk: Trunk) => ({
  name: trunk.name,
  host: trunk.host,
  port: trunk.port,
  transport: trunk.transport,
  register: trunk.register,
  match: trunk.match,
  callerId: trunk.callerId,
});

/** Trunks: admins only, every change audited and published (`trunk.*`, admins' WebSockets only). */
export function createTrunksService(deps: { db: Db; bus: EventBus }) {
  const { db, bus } = deps;

  async function change(
    principal: Principal,
    action: TrunkEvent,
    work: (trx: Db) => Promise<TrunkRow | undefined>,
  ): Promise<Trunk> {
    requireRole(principal, 'admin');
    const trunk = await asActor(db, principal, async (trx) => {
      const row = await work(trx);
      if (!row) throw noSuchTrunk();
      const result = toTrunk(row);
      await writeAudit(trx, {
        actorUserId: principal.userId,
        actor: auditActor(principal),
        action,
        target: auditTarget.trunk(result.id),
        details: auditDetails(result),
      });
      return result;
    });
    bus.publish(action, trunk);
    return trunk;
  }

  /** A change is checked against the trunk as it will be (e.g. dropping `match` of a trunk that does not register). */
  async function updated(trx: Db, id: string, body: UpdateTrunkBody): Promise<TrunkRow | undefined> {
    const row = await lockTrunkRow(trx, id);
    if (!row) return undefined;
    const after = {
      register: body.register ?? row.register,
      match: body.match ?? row.match,
      username: body.username !== undefined ? body.username : row.username,
      password: body.password !== undefined ? body.password : row.password,
    };
    const problems = trunkProblems(after);
    if (problems.length > 0)
      throw new AppError(
        'validation-failed',
        problems.map((p) => `body.${p.path}: ${p.message}`).join('; '),
        problems,
      );
    return updateTrunk(trx, id, toTrunkUpdate(body));
  }

  return {
    async list(principal: Principal, page: PageRequest) {
      requireRole(principal, 'admin');
      return listTrunks(db, page);
    },
    async get(principal: Principal, id: string): Promise<Trunk> {
      requireRole(principal, 'admin');
      const row = await findTrunkRow(db, id);
      if (!row) throw noSuchTrunk();
      return toTrunk(row);
    },
    create: (principal: Principal, body: CreateTrunkBody) =>
      change(principal, 'trunk.created', (trx) =>
        insertTrunk(trx, {
          name: body.name,
          host: body.host,
          port: body.port ?? 5060,
          transport: body.transport ?? 'udp',
          username: body.username ?? null,
          password: body.password ?? null,
          register: body.register ?? false,
          match: body.match ?? [],
          caller_id: body.callerId ?? null,
        }),
      ),
    update: (principal: Principal, id: string, body: UpdateTrunkBody) =>
      change(principal, 'trunk.updated', (trx) => updated(trx, id, body)),
    remove: (principal: Principal, id: string) =>
      change(principal, 'trunk.deleted', (trx) => deleteTrunk(trx, id)),
  };
}

export type TrunksService = ReturnType<typeof createTrunksService>;

function toTrunkUpdate(body: UpdateTrunkBody): TrunkUpdate {
  const changes: TrunkUpdate = {};
  if (body.name !== undefined) changes.name = body.name;
  if (body.host !== undefined) changes.host = body.host;
  if (body.port !== undefined) changes.port = body.port;
  if (body.transport !== undefined) changes.transport = body.transport;
  if (body.username !== undefined) changes.username = body.username;
  if (body.password !== undefined) changes.password = body.password;
  if (body.register !== undefined) changes.register = body.register;
  if (body.match !== undefined) changes.match = body.match;
  if (body.callerId !== undefined) changes.caller_id = body.callerId;
  return changes;
}
