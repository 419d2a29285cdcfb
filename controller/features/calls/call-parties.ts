import { aLeg, answeredLeg, findLeg } from './call-state.js';
import type { CallState, Leg, Person } from './call.types.js';

/** One side of a talking call: its channel, the SIP endpoint and who it is. */
export interface CallSide {
  channelId: string;
  endpoint: string;
  person: Person;
}

/** A talking call's two sides (`a`: the caller side) and its bridge. */
export interface CallParties {
  callId: string;
  bridgeId: string | null;
  a: CallSide;
  b: CallSide;
}

/** Both sides of a talking call, or undefined when it is not one (for parking and supervision). */
export function partiesOfCall(call: CallState): CallParties | undefined {
  const a = aLeg(call);
  const b = answeredLeg(call);
  if (call.stage !== 'talking' || !a || !b || a.status === 'gone' || b.status === 'gone') return undefined;
  const callee = call.answeredBy ?? (call.destination.kind !== 'unknown' ? call.destination.user : undefined);
  const side = (leg: Leg, person: Person): CallSide => ({
    channelId: leg.id,
    endpoint: leg.endpoint,
    person,
  });
  return {
    callId: call.id,
    bridgeId: call.bridgeId,
    a: side(a, call.caller),
    b: side(findLeg(call, b.id)!, callee ?? { number: call.dialled, name: '', userId: null }),
  };
}
