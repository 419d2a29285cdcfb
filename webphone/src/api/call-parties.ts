import { partyName, partyNumber, type LiveCall } from './types';

/**
 * Who the user talks with on `call`, as the controller knows it, seen from their leg on `account`: the called party
 * when that leg placed the call (role `caller` / `origin`), else the caller. The phone's own SIP identity can say
 * less: a parked call picked up by dialling `701` shows "701" there, while the controller's call names the caller.
 * Pure.
 */
export function otherPartyOf(call: LiveCall, account: string): { number: string; name: string } | null {
  const endpoint = `PJSIP/${account}`;
  const mine = (call.channels ?? []).find((c) => (c as { endpoint?: unknown }).endpoint === endpoint) as
    { role?: unknown } | undefined;
  if (!mine) return null;
  const placed = mine.role === 'caller' || mine.role === 'origin';
  const party = placed ? call.to : call.from;
  const number = partyNumber(party);
  return number ? { number, name: partyName(party) } : null;
}
