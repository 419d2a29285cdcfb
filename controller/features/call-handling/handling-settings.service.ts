import type { EventBus } from '../../bus/event-bus.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import { findProfile, setForwarding, setRingSettings } from '../../db/call-handling.repository.js';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { findUserById, type User } from '../../db/users.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { asActor } from '../users/actor.js';
import './call-handling.events.js';
import { noSuchUser, readableUser, writableUser } from './handling.access.js';
import type { Forwarding, HandlingProfile, RingSettings } from './handling.types.js';
import {
  forwardProblem,
  ringSettingsProblems,
  type OutsideForwarding,
  type Problem,
} from './ring-settings.rules.js';
import { anyTrunk } from '../../db/trunks.repository.js';

export type ForwardingView = Forwarding & { userId: string; extension: string };
export type RingSettingsView = RingSettings & { userId: string; extension: string };

/**
 * Forwarding and ring settings through the API: read by whoever may read the user (themselves, their team's
 * supervisor, admins), changed by the user or an admin; audited, published (`user.forwarding-changed`,
 * `user.ring-settings-changed`).
 */
export function createHandlingSettingsService(deps: { db: Db; bus: EventBus }) {
  const { db, bus } = deps;

  const readable = (actor: Principal, userId: string) => readableUser(db, actor, userId);
  const writable = (actor: Principal, userId: string) => writableUser(db, actor, userId);

  async function knownExtensions(numbers: string[]): Promise<Set<string>> {
    if (numbers.length === 0) return new Set();
    const rows = await db.selectFrom('users').select('extension').where('extension', 'in', numbers).execute();
    return new Set(rows.map((r) => r.extension));
  }

  /** Whether this user may forward outside: only through a trunk, and only with outbound permission (issue 13). */
  async function outsideForwarding(userId: string): Promise<OutsideForwarding> {
    if (!(await anyTrunk(db))) return 'no-trunk';
    const row = await db.selectFrom('users').select('outbound_allowed').where('id', '=', userId).executeTakeFirst();
    return row?.outbound_allowed ? 'allowed' : 'not-allowed';
  }

  /**
   * Refuses forward targets nobody has (400 naming each) and outside numbers without a trunk (400 `no-trunk`) or
   * without the user's outbound permission (400).
   */
  async function checkForwards(userId: string, targets: [string, string][]): Promise<void> {
    const known = await knownExtensions(targets.map(([, t]) => t));
    const outside = await outsideForwarding(userId);
    const problems = targets.flatMap(([path, t]) => forwardProblem(path, t, known, outside) ?? []);
    if (problems.some((p) => p.message.includes('outbound trunk')))
      throw new AppError('no-trunk', 'forwarding to an outside number needs an outbound trunk', problems);
    if (problems.length > 0) throw invalid(problems);
  }

  const forwardingView = (p: HandlingProfile): ForwardingView => ({
    userId: p.userId,
    extension: p.extension,
    ...p.forwarding,
  });

  async function saveForwarding(
    actor: { userId: string; label: string; principal?: Principal },
    user: User,
    patch: Partial<Forwarding>,
    by: 'api' | 'phone',
  ): Promise<ForwardingView> {
    const work = async (trx: Db) => {
      const profile = await setForwarding(trx, user.id, patch);
      if (!profile) throw noSuchUser();
      await writeAudit(trx, {
        actorUserId: actor.userId,
        actor: actor.label,
        action: 'user.forwarding-changed',
        target: auditTarget.user(user.id),
        details: { extension: user.extension, ...patch, from: by },
      });
      return profile;
    };
    const profile = actor.principal
      ? await asActor(db, actor.principal, work)
      : await inTransaction(db, work);
    bus.publish('user.forwarding-changed', {
      userId: user.id,
      extension: user.extension,
      teamId: user.teamId,
      ...profile.forwarding,
      by,
    });
    return forwardingView(profile);
  }

  return {
    async getForwarding(actor: Principal, userId: string): Promise<ForwardingView> {
      await readable(actor, userId);
      const profile = await findProfile(db, userId);
      if (!profile) throw noSuchUser();
      return forwardingView(profile);
    },
    async setForwarding(
      actor: Principal,
      userId: string,
      patch: Partial<Forwarding>,
    ): Promise<ForwardingView> {
      const user = await writable(actor, userId);
      const targets = (['always', 'busy', 'noAnswer'] as const).flatMap((k) => {
        const value = patch[k];
        return typeof value === 'string' ? [[k, value] as [string, string]] : [];
      });
      await checkForwards(user.id, targets);
      return saveForwarding({ userId: actor.userId, label: auditActor(actor), principal: actor }, user, patch, 'api');
    },
    /** `*72<number>` / `*73` from the user's own phone: 'refused' for a number nobody has (or an outside one). */
    async forwardFromPhone(
      userId: string,
      always: string | null,
    ): Promise<ForwardingView | 'refused' | undefined> {
      const user = await findUserById(db, userId);
      if (!user) return undefined;
      const outside = always !== null ? await outsideForwarding(user.id) : 'no-trunk';
      if (always !== null && forwardProblem('always', always, await knownExtensions([always]), outside))
        return 'refused';
      return saveForwarding({ userId, label: auditActor(user) }, user, { always }, 'phone');
    },
    async getRingSettings(actor: Principal, userId: string): Promise<RingSettingsView> {
      await readable(actor, userId);
      const profile = await findProfile(db, userId);
      if (!profile) throw noSuchUser();
      return { userId, extension: profile.extension, ...profile.ringSettings };
    },
    async setRingSettings(
      actor: Principal,
      userId: string,
      settings: RingSettings,
    ): Promise<RingSettingsView> {
      const user = await writable(actor, userId);
      const deviceIds = settings.targets.flatMap((t) => (t.deviceId ? [t.deviceId] : []));
      const devices = deviceIds.length
        ? await db
            .selectFrom('devices')
            .select(['id', 'owner_user_id', 'hotdesk'])
            .where('id', 'in', deviceIds)
            .execute()
        : [];
      const forwardTo = settings.schedule?.outsideHours.forwardTo;
      const problems = ringSettingsProblems(settings, {
        userId,
        devices: new Map(devices.map((d) => [d.id, { ownerUserId: d.owner_user_id, hotdesk: d.hotdesk }])),
        knownExtensions: await knownExtensions(forwardTo ? [forwardTo] : []),
        outside: await outsideForwarding(user.id),
      });
      if (problems.length > 0) throw invalid(problems);
      const profile = await asActor(db, actor, async (trx) => {
        const saved = await setRingSettings(trx, userId, settings);
        if (!saved) throw noSuchUser();
        await writeAudit(trx, {
          actorUserId: actor.userId,
          actor: auditActor(actor),
          action: 'user.ring-settings-changed',
          target: auditTarget.user(userId),
          details: {
            extension: user.extension,
            strategy: settings.strategy,
            targets: settings.targets.length,
          },
        });
        return saved;
      });
      bus.publish('user.ring-settings-changed', {
        userId,
        extension: user.extension,
        teamId: user.teamId,
        ringSettings: profile.ringSettings,
      });
      return { userId, extension: profile.extension, ...profile.ringSettings };
    },
  };
}

const invalid = (problems: Problem[]) =>
  new AppError('validation-failed', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);

export type HandlingSettingsService = ReturnType<typeof createHandlingSettingsService>;
