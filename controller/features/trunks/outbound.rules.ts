import { toE164, type DialingPlan } from '../contacts/phone-number.js';
import { outboundDialString, type TrunkConfig } from './trunk-objects.js';

/**
 * Who may call out and how (SPEC "Trunks and the outside world", issue 11's outbound permission). Pure: the dialled
 * number, the caller and the first trunk in; a dial string and caller ID, or the refusal, out.
 */
export interface OutboundCaller {
  /** Null: a device nobody is behind (a lobby phone): allowed out, showing the trunk's caller ID. */
  userId: string | null;
  name: string;
  /** The extension (or the device's number). */
  number: string;
  outboundAllowed: boolean;
  /** E.164, or null for the trunk's. */
  outboundCallerId: string | null;
}

export interface OutboundTrunk extends Pick<TrunkConfig, 'id' | 'host' | 'port' | 'transport'> {
  callerId: string | null;
}

export type OutboundDecision =
  | {
      kind: 'dial';
      /** E.164 (an emergency number as dialled: `911`, `112`). */
      number: string;
      endpoint: string;
      trunkId: string;
      callerId: { name: string; number: string };
    }
  | { kind: 'refuse'; status: 403 | 404 | 503; why: string };

export function decideOutbound(input: {
  /** The number after the outside-line prefix (`9`), or as dialled. */
  number: string;
  emergency: boolean;
  caller: OutboundCaller;
  trunk: OutboundTrunk | undefined;
  plan: DialingPlan;
}): OutboundDecision {
  const { caller, trunk, emergency } = input;
  if (!emergency && !caller.outboundAllowed)
    return { kind: 'refuse', status: 403, why: 'this caller may not call outside numbers' };
  if (!trunk) return { kind: 'refuse', status: 503, why: 'no trunk to carry outside calls' };
  const number = emergency ? input.number : toE164(input.number, input.plan);
  if (!number) return { kind: 'refuse', status: 404, why: 'not a phone number' };
  return {
    kind: 'dial',
    number,
    endpoint: outboundDialString(trunk, number),
    trunkId: trunk.id,
    callerId: { name: caller.name, number: caller.outboundCallerId ?? trunk.callerId ?? caller.number },
  };
}
