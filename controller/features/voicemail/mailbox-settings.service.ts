import type { EventBus } from '../../bus/event-bus.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import { enabledMailboxes, mailboxOf, saveMailbox } from '../../db/voicemail.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { hashSecret } from '../auth/password.js';
import { readableUser } from '../call-handling/handling.access.js';
import { asActor } from '../users/actor.js';
import { settingsRefusal } from './voicemail.rules.js';

export interface MailboxView {
  userId: string;
  extension: string;
  enabled: boolean;
  /** Whether a PIN is set (the PIN itself is never returned). */
  hasPin: boolean;
  greeting: 'standard' | 'recorded';
  hasRecordedGreeting: boolean;
}

export interface MailboxBody {
  enabled: boolean;
  pin?: string | undefined;
  greeting?: 'standard' | 'recorded' | undefined;
}

/**
 * Mailbox settings (SPEC "voicemail settings"): `GET|PUT /users/{id}/voicemail`. Read as the user is read; admins
 * enable and disable, the user changes their own PIN and greeting; audited `user.voicemail-changed`. Which users have
 * an enabled mailbox is kept in memory (the calls feature asks before deciding every call).
 */
export function createMailboxSettings(deps: { db: Db; bus: EventBus; onChanged?: (userId: string) => void }) {
  const { db } = deps;
  const enabled = new Set<string>();

  async function view(userId: string, extension: string): Promise<MailboxView> {
    const box = await mailboxOf(db, userId);
    return {
      userId,
      extension,
      enabled: box.enabled,
      hasPin: box.pinHash !== null,
      greeting: box.greeting,
      hasRecordedGreeting: box.greetingFile !== null,
    };
  }

  async function set(actor: Principal, userId: string, body: MailboxBody): Promise<MailboxView> {
    const user = await readableUser(db, actor, userId);
    const box = await mailboxOf(db, userId);
    const refusal = settingsRefusal(actor, userId, { enabled: body.enabled, current: box.enabled });
    if (refusal) throw new AppError('forbidden', refusal);
    const greeting = body.greeting ?? box.greeting;
    if (greeting === 'recorded' && box.greetingFile === null)
      throw new AppError(
        'validation-failed',
        'greeting: no greeting was recorded yet (record one with *97, then 0)',
      );
    if (body.enabled && body.pin === undefined && box.pinHash === null)
      throw new AppError('validation-failed', 'pin: a mailbox needs a PIN when it is enabled');
    const pinHash = body.pin === undefined ? box.pinHash : await hashSecret(body.pin);
    await asActor(db, actor, async (trx) => {
      await saveMailbox(trx, { userId, enabled: body.enabled, pinHash, greeting });
      await writeAudit(trx, {
        actorUserId: actor.userId,
        actor: auditActor(actor),
        action: 'user.voicemail-changed',
        target: auditTarget.user(userId),
        details: {
          extension: user.extension,
          enabled: body.enabled,
          pinChanged: body.pin !== undefined,
          greeting,
        },
      });
    });
    if (body.enabled) enabled.add(userId);
    else enabled.delete(userId);
    deps.bus.publish('user.voicemail-changed', {
      userId,
      extension: user.extension,
      teamId: user.teamId,
      enabled: body.enabled,
    });
    deps.onChanged?.(userId);
    return view(userId, user.extension);
  }

  return {
    /**
     * Follows changes (from every instance, through the bus) and loads who has a mailbox: at once, and again every
     * 5 s until it worked (the controller starts while PostgreSQL may still be away).
     */
    start(): () => void {
      const stop = deps.bus.subscribe((event) => {
        if (event.type === 'user.voicemail-changed') {
          if (event.data.enabled) enabled.add(event.data.userId);
          else enabled.delete(event.data.userId);
        } else if (event.type === 'user.deleted') enabled.delete((event.data as { id: string }).id);
      });
      let retry: NodeJS.Timeout | undefined;
      const load = () =>
        void enabledMailboxes(db)
          .then((boxes) => boxes.forEach((box) => enabled.add(box.userId)))
          .catch(() => {
            retry = setTimeout(load, 5000);
            retry.unref();
          });
      load();
      return () => {
        clearTimeout(retry);
        stop();
      };
    },
    get: async (actor: Principal, userId: string) => {
      const user = await readableUser(db, actor, userId);
      return view(userId, user.extension);
    },
    set,
    hasMailbox: (userId: string) => enabled.has(userId),
  };
}

export type MailboxSettingsService = ReturnType<typeof createMailboxSettings>;
