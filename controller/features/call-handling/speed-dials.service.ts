import type { EventBus } from '../../bus/event-bus.js';
import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import {
  findSpeedDial,
  replaceSpeedDials,
  speedDialsOf,
  type SpeedDial,
} from '../../db/speed-dials.repository.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { asActor } from '../users/actor.js';
import { readableUser, writableUser } from './handling.access.js';
import { speedDialProblems } from './speed-dials.rules.js';

export interface SpeedDialsView {
  userId: string;
  extension: string;
  speedDials: SpeedDial[];
}

/**
 * Speed dials (issue 11): a user's `*0<slot>` list. Read as the user is read, replaced by the user or an admin
 * (`PUT` replaces the whole list), audited `user.speed-dials-changed`, published.
 */
export function createSpeedDialsService(deps: { db: Db; bus: EventBus }) {
  const { db, bus } = deps;

  async function knownExtensions(numbers: string[]): Promise<Set<string>> {
    if (numbers.length === 0) return new Set();
    const rows = await db.selectFrom('users').select('extension').where('extension', 'in', numbers).execute();
    return new Set(rows.map((r) => r.extension));
  }

  return {
    async get(actor: Principal, userId: string): Promise<SpeedDialsView> {
      const user = await readableUser(db, actor, userId);
      return { userId, extension: user.extension, speedDials: await speedDialsOf(db, userId) };
    },
    async set(actor: Principal, userId: string, body: { speedDials: SpeedDial[] }): Promise<SpeedDialsView> {
      const user = await writableUser(db, actor, userId);
      const entries = body.speedDials.map((e) => ({ slot: e.slot, number: e.number, label: e.label }));
      const problems = speedDialProblems(entries, await knownExtensions(entries.map((e) => e.number)));
      if (problems.length > 0)
        throw new AppError(
          'validation-failed',
          problems.map((p) => `${p.path}: ${p.message}`).join('; '),
          problems,
        );
      await asActor(db, actor, async (trx) => {
        await replaceSpeedDials(trx, userId, entries);
        await writeAudit(trx, {
          actorUserId: actor.userId,
          actor: auditActor(actor),
          action: 'user.speed-dials-changed',
          target: auditTarget.user(userId),
          details: { extension: user.extension, slots: entries.map((e) => e.slot) },
        });
      });
      const sorted = [...entries].sort((a, b) => a.slot - b.slot);
      bus.publish('user.speed-dials-changed', {
        userId,
        extension: user.extension,
        teamId: user.teamId,
        speedDials: sorted,
      });
      return { userId, extension: user.extension, speedDials: sorted };
    },
    /** The number behind `*0<slot>` for the user on that phone, if they set one. */
    async numberOf(userId: string, slot: number): Promise<string | undefined> {
      return (await findSpeedDial(db, userId, slot))?.number;
    },
  };
}

export type SpeedDialsService = ReturnType<typeof createSpeedDialsService>;
