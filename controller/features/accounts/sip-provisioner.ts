import type { Logger } from 'pino';
import type { Outcome, Pbx } from '../../ari/pbx.port.js';
import { contactsOf, permanentCopiesOf, planAorPush, type AccountOp } from './accounts.decider.js';
import { DELETE_ORDER, isOwnedEndpoint, PUSH_ORDER, type SipAccount } from './sip-objects.js';

/**
 * Carries out account operations through the Pbx port, object by object, and reports success: a failure is
 * logged (account name, object type and reason; never the fields, which hold the password) and returns false.
 */

/** Lookups at once while looking for stale endpoints, and accounts pushed at once during a full sync. */
export const SYNC_CONCURRENCY = 8;

/** PJSIP endpoints in Asterisk that are not wanted but carry this controller's marker: stale, to be removed. */
export async function ownedEndpointIds(pbx: Pbx, wanted: ReadonlySet<string>): Promise<string[]> {
  const endpoints = await pbx.listEndpoints();
  if (!endpoints.ok) return [];
  const candidates = endpoints.value
    .filter((e) => e.technology === 'PJSIP' && !wanted.has(e.resource))
    .map((e) => e.resource);
  const owned = await mapLimit(candidates, SYNC_CONCURRENCY, async (id) => {
    const object = await pbx.getSipObject('endpoint', id);
    return object.ok && isOwnedEndpoint(object.value);
  });
  return candidates.filter((_, i) => owned[i]);
}

export async function runOp(pbx: Pbx, op: AccountOp, logger: Logger): Promise<boolean> {
  return op.kind === 'push' ? pushAccount(pbx, op.account, logger) : removeAccount(pbx, op.id, logger);
}

/** auth, aor, endpoint: each object exists before anything refers to it. */
async function pushAccount(pbx: Pbx, account: SipAccount, logger: Logger): Promise<boolean> {
  for (const type of PUSH_ORDER) {
    const outcome =
      type === 'aor'
        ? await pushAor(pbx, account.id, account.aor, logger)
        : await pbx.putSipObject(type, account.id, account[type]);
    if (!outcome.ok) {
      logger.warn(
        { account: account.id, object: type, reason: outcome.reason, message: outcome.message },
        'could not push a SIP account',
      );
      return false;
    }
  }
  logger.debug({ account: account.id }, 'SIP account pushed');
  return true;
}

/** The AOR: created, left alone, or deleted and created again — never updated in place (`planAorPush`). */
async function pushAor(pbx: Pbx, id: string, fields: SipAccount['aor'], logger: Logger): Promise<Outcome> {
  const existing = await pbx.getSipObject('aor', id);
  if (!existing.ok && existing.reason !== 'gone') return existing;
  const listed = existing.ok ? contactsOf(existing.value) : [];
  const registered = new Set<string>();
  for (const uri of new Set(listed)) {
    const found = await pbx.sipRegistrationExists(id, uri);
    if (!found.ok) return found; // unsure: better no push than dropping live registrations
    if (found.value) registered.add(uri);
  }
  const copies = permanentCopiesOf(listed, registered);
  const plan = planAorPush(existing.ok ? existing.value : undefined, fields, copies.length);
  if (plan === 'keep') return { ok: true, value: undefined };
  if (plan === 'recreate') {
    logger.info(
      { account: id, permanentCopies: copies.length },
      'SIP AOR created again (its contacts re-register)',
    );
    const deleted = await pbx.deleteSipObject('aor', id);
    if (!deleted.ok && deleted.reason !== 'gone') return deleted;
  }
  return pbx.putSipObject('aor', id, fields);
}

/** endpoint, aor, auth. 403 means the object comes from pjsip.conf: not ours to delete, so stop there. */
async function removeAccount(pbx: Pbx, id: string, logger: Logger): Promise<boolean> {
  for (const type of DELETE_ORDER) {
    const outcome = await pbx.deleteSipObject(type, id);
    if (outcome.ok || outcome.reason === 'gone') continue;
    if (outcome.reason === 'rejected') {
      logger.info(
        { account: id, object: type },
        'SIP account comes from pjsip.conf, not the controller: left alone',
      );
      return true;
    }
    logger.warn(
      { account: id, object: type, reason: outcome.reason, message: outcome.message },
      'could not remove a SIP account',
    );
    return false;
  }
  logger.info({ account: id }, 'SIP account removed');
  return true;
}

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
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
