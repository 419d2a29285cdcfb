import type { Logger } from 'pino';
import type { Pbx, PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { AnyPbxEvent } from '../../bus/events.js';
import type { Db } from '../../db/database.js';
import type { TrunkRow } from '../../db/tables/trunks.js';
import { findTrunkRow, listTrunkRows } from '../../db/trunks.repository.js';
import { TRUNK_DELETE_ORDER, TRUNK_MARK, trunkObjectsOf, type TrunkConfig } from './trunk-objects.js';
import { TRUNK_PREFIX, trunkEndpointId } from './trunk-names.js';
import './trunks.events.js';

/** The module that starts outbound registrations; it does so on a load, not when an object is created over ARI. */
const REGISTRATION_MODULE = 'res_pjsip_outbound_registration.so';

export const trunkConfigOf = (row: TrunkRow): TrunkConfig => ({
  id: row.id,
  host: row.host,
  port: row.port,
  transport: row.transport,
  username: row.username,
  password: row.password,
  register: row.register,
  match: row.match,
});

/**
 * Pushes trunks to Asterisk as PJSIP objects `trunk-<id>` (endpoint, aor, identify, auth, registration), like the
 * accounts (accounts.service.ts): every trunk again on each ARI (re)connect, stale `trunk-*` endpoints (marked
 * `accountcode=trunk:<id>`, no trunk in the database) removed; `trunk.*` events push or remove one trunk at once.
 * One task at a time, in event order. Credentials go to Asterisk only; logs name trunks.
 */
export function startTrunkProvisioner(deps: { db: Db; bus: EventBus; connection: PbxConnection; logger: Logger }) {
  const { db, connection } = deps;
  const pbx = connection.pbx;
  const logger = deps.logger.child({ component: 'trunks' });
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>): Promise<void> =>
    (queue = queue.then(task).catch((error: unknown) => logger.error({ err: error }, 'trunk provisioning failed')));

  async function syncAll(): Promise<void> {
    const rows = await listTrunkRows(db);
    const wanted = new Set(rows.map((row) => trunkEndpointId(row.id)));
    for (const id of await staleTrunkEndpoints(pbx, wanted)) await removeTrunk(pbx, id, logger);
    let registering = false;
    for (const row of rows) {
      // From scratch, as after a change (syncOne): the trunk may have changed while the controller was away.
      await removeTrunk(pbx, trunkEndpointId(row.id), logger);
      registering = (await pushTrunk(pbx, trunkConfigOf(row), logger)) || registering;
    }
    if (registering) await reloadRegistrations(pbx, logger);
    logger.info({ trunks: rows.length }, 'trunks pushed to Asterisk');
  }

  async function syncOne(id: string): Promise<void> {
    const row = await findTrunkRow(db, id);
    // Created again from scratch: ARI's PUT of an existing object applies the fields over a copy of the old one, so
    // a field the trunk no longer has (its outbound_auth once the credentials go) would stay. Calls up go on.
    await removeTrunk(pbx, trunkEndpointId(id), logger);
    if (row && (await pushTrunk(pbx, trunkConfigOf(row), logger))) await reloadRegistrations(pbx, logger);
  }

  const onEvent = (event: AnyPbxEvent) => {
    if (event.type !== 'trunk.created' && event.type !== 'trunk.updated' && event.type !== 'trunk.deleted') return;
    if (connection.state() !== 'connected') return;
    const id = (event.data as { id: string }).id;
    void enqueue(() => syncOne(id));
  };
  const stopListening = deps.bus.subscribe(onEvent);
  const stopSyncing = connection.onConnected(() => enqueue(syncAll));
  if (connection.state() === 'connected') void enqueue(syncAll);
  return {
    syncAll: () => enqueue(syncAll),
    /** Waits for the queued work (tests). */
    idle: () => queue,
    async stop() {
      stopListening();
      stopSyncing();
      await queue;
    },
  };
}

export type TrunkProvisioner = ReturnType<typeof startTrunkProvisioner>;

/**
 * Each object in order. The aor is deleted first and created again: an update would apply its fields over a copy
 * whose `contact` is already the carrier's (accounts.decider.ts `planAorPush`). True when it has a registration.
 */
async function pushTrunk(pbx: Pbx, trunk: TrunkConfig, logger: Logger): Promise<boolean> {
  const { id, objects } = trunkObjectsOf(trunk);
  for (const { type, fields } of objects) {
    if (type === 'aor') await pbx.deleteSipObject('aor', id);
    const outcome = await pbx.putSipObject(type, id, fields);
    if (!outcome.ok) {
      logger.warn({ trunk: id, object: type, reason: outcome.reason, message: outcome.message }, 'could not push a trunk');
      return false;
    }
  }
  logger.debug({ trunk: id }, 'trunk pushed');
  return objects.some((o) => o.type === 'registration');
}

/** Every object a trunk may have; those it has not are already gone. */
async function removeTrunk(pbx: Pbx, id: string, logger: Logger): Promise<void> {
  for (const type of TRUNK_DELETE_ORDER) {
    const outcome = await pbx.deleteSipObject(type, id);
    if (!outcome.ok && outcome.reason !== 'gone')
      logger.warn({ trunk: id, object: type, reason: outcome.reason }, 'could not remove a trunk object');
  }
}

async function reloadRegistrations(pbx: Pbx, logger: Logger): Promise<void> {
  const outcome = await pbx.reloadModule(REGISTRATION_MODULE);
  if (!outcome.ok) logger.warn({ reason: outcome.reason }, 'could not start the trunks\' outbound registrations');
}

/** `trunk-*` endpoints in Asterisk marked as ours that no trunk wants any more. */
async function staleTrunkEndpoints(pbx: Pbx, wanted: ReadonlySet<string>): Promise<string[]> {
  const endpoints = await pbx.listEndpoints();
  if (!endpoints.ok) return [];
  const stale: string[] = [];
  for (const endpoint of endpoints.value) {
    if (endpoint.technology !== 'PJSIP' || !endpoint.resource.startsWith(TRUNK_PREFIX)) continue;
    if (wanted.has(endpoint.resource)) continue;
    const object = await pbx.getSipObject('endpoint', endpoint.resource);
    if (object.ok && object.value.some((f) => f.attribute === 'accountcode' && f.value.startsWith(TRUNK_MARK)))
      stale.push(endpoint.resource);
  }
  return stale;
}
