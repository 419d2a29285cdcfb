import type { Db } from '../../db/database.js';
import type { CallsService } from '../calls/calls.service.js';
import { findUserById, supervisedCallOf, verdictOver } from './supervision-lookup.js';
import type { SupervisionRunner } from './supervision.runner.js';

/**
 * The rules checked again when the world changes under a session: a call answered (sessions waiting for one of its
 * parties get it, if still allowed) and a user changed or deleted (a session no longer allowed ends at once).
 */
export function createSessionRechecks(deps: { db: Db; calls: CallsService; runner: SupervisionRunner }) {
  const { db, calls, runner } = deps;
  /** A call was answered: sessions waiting for one of its parties get it (checked against the rules again). */
  function onCallAnswered(callId: string): void {
    const parties = calls.partiesOfCall(callId);
    if (!parties?.bridgeId) return;
    for (const session of runner.all()) {
      if (session.call || (session.phase !== 'waiting' && session.phase !== 'ringing')) continue;
      const agentId = session.target.userId;
      if (![parties.a, parties.b].some((side) => side.person.userId === agentId)) continue;
      void runner.submit(session.id, async () => {
        const [supervisor, target] = await Promise.all([
          findUserById(db, session.supervisor.userId),
          findUserById(db, agentId),
        ]);
        const verdict = supervisor && target ? await verdictOver(db, supervisor, target, parties) : undefined;
        const refusal = !verdict
          ? { code: 'supervision-forbidden' as const, reason: 'the user is gone' }
          : verdict.ok
            ? undefined
            : { code: verdict.code, reason: verdict.reason };
        return {
          kind: 'call-found',
          call: supervisedCallOf(parties, agentId),
          ...(refusal ? { refusal } : {}),
        };
      });
    }
  }

  /**
   * A user changed or went: every session they supervise, are supervised in or take part in the call of is checked
   * against the rules again, with the rows as they are now; one no longer allowed ends at once.
   */
  function recheck(userId: string): void {
    for (const session of runner.all()) {
      const parties = session.call ? calls.partiesOfCall(session.call.callId) : undefined;
      const involved = [
        session.supervisor.userId,
        session.target.userId,
        parties?.a.person.userId,
        parties?.b.person.userId,
      ];
      if (!involved.includes(userId)) continue;
      void runner.submit(session.id, async () => {
        const [supervisor, target] = await Promise.all([
          findUserById(db, session.supervisor.userId),
          findUserById(db, session.target.userId),
        ]);
        const verdict = supervisor && target ? await verdictOver(db, supervisor, target, parties) : undefined;
        if (verdict?.ok) return undefined;
        const refusal = verdict
          ? { code: verdict.code, reason: verdict.reason }
          : { code: 'supervision-forbidden' as const, reason: 'the supervisor or the agent was deleted' };
        return { kind: 'revoke', refusal };
      });
    }
  }

  return { onCallAnswered, recheck };
}
