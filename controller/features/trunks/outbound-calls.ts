import type { Logger } from 'pino';
import { AppError } from '../../errors.js';
import type { HangupReason } from '../../ari/pbx.port.js';
import type { Db } from '../../db/database.js';
import { firstTrunkRow } from '../../db/trunks.repository.js';
import { toE164, type DialingPlan } from '../contacts/phone-number.js';
import type { Destination, Person } from '../calls/call.types.js';
import type { DialledCall } from '../calls/dial-router.js';
import { routeOfDialled } from '../calls/dial-plan.js';
import type { CallsService } from '../calls/calls.service.js';
import { decideOutbound, type OutboundCaller, type OutboundDecision } from './outbound.rules.js';

const refusal: Record<Extract<OutboundDecision, { kind: 'refuse' }>['status'], HangupReason> = {
  403: 'forbidden',
  404: 'unallocated',
  503: 'congestion',
};

/**
 * The user behind a caller, with their outbound permission and caller ID. A device nobody is behind (a lobby phone)
 * calls out like a user with the defaults (a guest hot desk never gets here: the hot desk guard refuses it first).
 */
async function outboundCallerOf(db: Db, person: Person): Promise<OutboundCaller> {
  const row = person.userId
    ? await db
        .selectFrom('users')
        .select(['outbound_allowed', 'outbound_caller_id'])
        .where('id', '=', person.userId)
        .executeTakeFirst()
    : undefined;
  return {
    userId: row ? person.userId : null,
    name: person.name,
    number: person.number,
    outboundAllowed: row?.outbound_allowed ?? true,
    outboundCallerId: row?.outbound_caller_id ?? null,
  };
}

/** An outside number as a destination: one leg to the trunk, showing the carrier the outbound caller ID. */
const outsideDestination = (decision: Extract<OutboundDecision, { kind: 'dial' }>): Destination => ({
  kind: 'user',
  user: { number: decision.number, name: decision.number, userId: null },
  targets: [{ endpoint: decision.endpoint }],
  outside: { number: decision.number, trunkId: decision.trunkId, callerId: decision.callerId },
});

/**
 * The numbering plan's `outbound` route (`9` + number, 7-15 digits, `+…`, the emergency numbers): a call of the calls
 * feature with one leg out of the first trunk, for users allowed outbound (emergency numbers always); and outside
 * forward targets rung through the trunk.
 */
export function createOutboundCalls(deps: {
  db: Db;
  calls: CallsService;
  plan: DialingPlan;
  logger: Logger;
}) {
  const { db, calls, plan } = deps;

  async function decide(
    dialled: Pick<DialledCall, 'dialled' | 'argument' | 'emergency'>,
    caller: Person,
  ): Promise<OutboundDecision> {
    const trunk = await firstTrunkRow(db);
    return decideOutbound({
      number: dialled.argument ?? dialled.dialled,
      emergency: dialled.emergency === true,
      caller: await outboundCallerOf(db, caller),
      trunk: trunk && {
        id: trunk.id,
        host: trunk.host,
        port: trunk.port,
        transport: trunk.transport,
        callerId: trunk.caller_id,
      },
      plan,
    });
  }

  return {
    onDialled(dialled: DialledCall): void {
      calls.startDialled(dialled, async (caller) => {
        const decision = await decide(dialled, caller);
        return decision.kind === 'dial'
          ? outsideDestination(decision)
          : { refuse: refusal[decision.status], why: decision.why };
      });
    },
    /**
     * Click-to-call to an outside number, for the clicking user: their outbound permission (403 `forbidden` without
     * it) and caller ID, as if they had dialled it; undefined when no trunk can carry it (the caller says `no-trunk`).
     */
    async destinationOf(number: string, caller: Person): Promise<Destination | undefined> {
      // Typed by a person (`+1 (555) 111-0003`, a contact's number as written): its E.164 form is what is dialled.
      const answer = routeOfDialled(toE164(number, plan) ?? number, 'phone');
      if (answer.kind !== 'route' || answer.route !== 'outbound') return undefined;
      const dialled = {
        dialled: number,
        argument: answer.argument ?? number,
        ...(answer.emergency ? { emergency: true as const } : {}),
      };
      const decision = await decide(dialled, caller);
      if (decision.kind === 'dial') return outsideDestination(decision);
      if (decision.status === 403) throw new AppError('forbidden', 'you may not call outside numbers');
      return undefined;
    },
    /** A forward to an outside number: through the first trunk, showing the trunk's caller ID. */
    async outsideNumber(target: string): Promise<Destination | undefined> {
      // As the numbering plan reads it when dialled: `9` + number drops the 9.
      const answer = routeOfDialled(target, 'phone');
      if (answer.kind !== 'route' || answer.route !== 'outbound') return undefined;
      const trunk = await firstTrunkRow(db);
      const decision = decideOutbound({
        number: answer.argument ?? target,
        emergency: false,
        caller: {
          userId: null,
          name: '',
          number: trunk?.caller_id ?? target,
          outboundAllowed: true,
          outboundCallerId: null,
        },
        trunk: trunk && {
          id: trunk.id,
          host: trunk.host,
          port: trunk.port,
          transport: trunk.transport,
          callerId: trunk.caller_id,
        },
        plan,
      });
      return decision.kind === 'dial' ? outsideDestination(decision) : undefined;
    },
  };
}
