import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { findHotdeskUser } from '../../db/hotdesk.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { verifySecret } from '../auth/password.js';
import type { PinLock } from './pin-lock.js';
import type { HotdeskUser } from './hotdesk.types.js';

/** Who asks for a log-in: someone through the API, or a caller at the device's keypad (`*11`). */
export type LoginActor = { kind: 'api'; principal: Principal } | { kind: 'phone'; deviceId: string };

export interface LoginRequest {
  deviceId: string;
  extension: string;
  pin?: string | undefined;
}

/** The audit log's actor columns for whoever acts. */
export function actorColumns(actor: LoginActor, user?: { id: string; username: string; extension: string }) {
  if (actor.kind === 'api')
    return { actorUserId: actor.principal.userId, actor: auditActor(actor.principal) };
  return user
    ? { actorUserId: user.id, actor: auditActor(user) }
    : { actorUserId: null, actor: `device ${actor.deviceId}` };
}

/**
 * Establishes who is logging in: a user for themselves with their PIN (API and phone), an admin for anyone without
 * one (a PIN given is checked). Wrong PINs count toward the lock (pin-lock.ts), in Redis, failing closed; every
 * failure and every lockout is audited here, outside the log-in's transaction (a refused log-in changes nothing
 * else). An unknown extension on the phone answers like a wrong PIN, so the keypad reveals nothing.
 */
export async function authenticateLogin(
  deps: { db: Db; lock: PinLock },
  request: LoginRequest,
  actor: LoginActor,
): Promise<HotdeskUser & { username: string }> {
  const { db, lock } = deps;
  const admin = actor.kind === 'api' && actor.principal.role === 'admin';
  if (actor.kind === 'api' && !admin) {
    if (request.extension !== actor.principal.extension)
      throw new AppError('forbidden', 'you may only log in as yourself (admins may log anyone in)');
    if (request.pin === undefined) throw new AppError('validation-failed', 'pin is required');
  }
  const user = await findHotdeskUser(db, { extension: request.extension });
  const failure = async (
    reason: string,
    target = user ? auditTarget.user(user.id) : auditTarget.device(request.deviceId),
  ) =>
    writeAudit(db, {
      ...actorColumns(actor),
      action: 'hotdesk.login-failed',
      target,
      details: { deviceId: request.deviceId, extension: request.extension, reason },
    });
  if (!user) {
    await failure('unknown-extension');
    if (admin) throw new AppError('no-such-extension', `no user has extension ${request.extension}`);
    throw new AppError('pin-incorrect', 'wrong extension or PIN');
  }
  if (request.pin === undefined) return user;
  const verdict = await lock.check(user.id);
  if (!verdict.allowed) {
    await failure('locked');
    throw new AppError('hotdesk-locked', 'too many wrong PINs: hot desk log-in is locked for a while', {
      retryAfterSeconds: verdict.retryAfterSeconds,
    });
  }
  if (user.pinHash !== null && (await verifySecret(request.pin, user.pinHash))) {
    await lock.succeeded(user.id);
    return user;
  }
  const counted = await lock.failed(user.id);
  await failure('pin-incorrect');
  if (counted.locked)
    await writeAudit(db, {
      actorUserId: null,
      actor: 'system',
      action: 'hotdesk.locked',
      target: auditTarget.user(user.id),
      details: { deviceId: request.deviceId, lockSeconds: counted.retryAfterSeconds },
    });
  throw new AppError('pin-incorrect', 'wrong extension or PIN');
}
