import { auditActor, auditTarget, writeAudit } from '../../db/audit.repository.js';
import type { Db } from '../../db/database.js';
import type { User } from '../../db/users.repository.js';
import type { SessionEvent, SessionState, SupervisionMode } from './supervision.types.js';

/**
 * The audit trail of a session (issue 10: who, whom, which call, mode, when): `supervision.started` when the
 * supervisor first hears the call, `supervision.changed` per switch, `supervision.refused` for a refusal on the phone,
 * `supervision.ended` once everything of the session is gone. Target: the supervised agent (`user:<id>`), so their
 * team's supervisor finds the entries too.
 */
export async function auditSessionEvents(
  db: Db,
  session: SessionState,
  events: SessionEvent[],
  at?: Date,
): Promise<void> {
  const base = {
    at,
    actorUserId: session.supervisor.userId || null,
    actor: auditActor({ username: session.supervisor.name, extension: session.supervisor.extension }),
    target: session.target.userId
      ? auditTarget.user(session.target.userId)
      : `extension:${session.target.extension}`,
  };
  const details = {
    sessionId: session.id,
    callId: session.call?.callId ?? null,
    supervisorExtension: session.supervisor.extension,
    targetExtension: session.target.extension,
  };
  for (const event of events) {
    if (event.kind === 'switched' && event.from === null)
      await writeAudit(db, {
        ...base,
        action: 'supervision.started',
        details: { ...details, mode: event.to },
      });
    else if (event.kind === 'switched')
      await writeAudit(db, {
        ...base,
        action: 'supervision.changed',
        details: { ...details, from: event.from, to: event.to },
      });
    else if (event.kind === 'ending' && event.refusal)
      await writeAudit(db, {
        ...base,
        action: 'supervision.refused',
        details: {
          ...details,
          mode: session.mode,
          via: event.via === 'recheck' ? 'recheck' : session.promptId ? 'phone' : 'api',
          ...event.refusal,
        },
      });
    else if (event.kind === 'ended')
      await writeAudit(db, {
        ...base,
        action: 'supervision.ended',
        details: { ...details, mode: session.mode, reason: session.endReason, startedAt: session.startedAt },
      });
  }
}

/** A refusal through the API (no session was made). */
export async function auditRefusal(
  db: Db,
  refusal: {
    supervisor: User;
    target: User;
    mode: SupervisionMode;
    callId: string | null;
    code: string;
    reason: string;
  },
): Promise<void> {
  await writeAudit(db, {
    actorUserId: refusal.supervisor.id,
    actor: auditActor(refusal.supervisor),
    action: 'supervision.refused',
    target: auditTarget.user(refusal.target.id),
    details: {
      callId: refusal.callId,
      mode: refusal.mode,
      supervisorExtension: refusal.supervisor.extension,
      targetExtension: refusal.target.extension,
      via: 'api',
      code: refusal.code,
      reason: refusal.reason,
    },
  });
}
