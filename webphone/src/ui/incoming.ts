import { partyName, partyNumber, type Contact, type LiveCall } from '../api/types';
import type { Call } from '../phone/phone.types';

/** One incoming-call popup: the controller's view of the call, the webphone's ringing SIP session, or both. */
export interface IncomingPopup {
  key: string;
  number: string;
  name: string;
  contact: Contact | null;
  /** A caller from outside whom no contact matched: shown as unknown. */
  unknown: boolean;
  /** The webphone itself is ringing: Answer and Decline act on its SIP session. */
  sip: boolean;
}

/** Calls the controller says are ringing this user, not yet answered by anyone. */
export function ringingFor(calls: Readonly<Record<string, LiveCall>>, extension: string): LiveCall[] {
  return Object.values(calls).filter(
    (call) =>
      call.state === 'ringing' &&
      !call.answeredAt &&
      !partyNumber(call.answeredBy ?? null) &&
      (partyNumber(call.to) === extension || (call.ringing ?? []).includes(extension)),
  );
}

/**
 * Merges the controller's ringing calls with the webphone's own incoming session (matched by caller number).
 * Auto-answered calls get no popup (a banner says what happened).
 */
export function incomingPopups(
  live: LiveCall[],
  phoneCall: Call,
  dismissed: ReadonlySet<string>,
): IncomingPopup[] {
  const popups: IncomingPopup[] = [];
  const sipRinging = phoneCall.kind === 'incoming' && !phoneCall.autoAnswer ? phoneCall : null;
  let sipMatched = false;
  for (const call of live) {
    if (dismissed.has(call.id)) continue;
    const number = partyNumber(call.from);
    const sip: boolean = !!sipRinging && !sipMatched && sipRinging.remote.number === number;
    sipMatched ||= sip;
    popups.push({
      key: call.id,
      number,
      name: call.contact?.name ?? (partyName(call.from) || (sip ? (sipRinging?.remote.name ?? '') : '')),
      contact: call.contact ?? null,
      unknown: call.direction === 'inbound' && !call.contact,
      sip,
    });
  }
  if (sipRinging && !sipMatched) {
    popups.unshift({
      key: sipRinging.id,
      number: sipRinging.remote.number,
      name: sipRinging.remote.name,
      contact: null,
      unknown: false,
      sip: true,
    });
  }
  return popups;
}

/** A popup this user saw whose call another agent answered: who took it. */
export interface TakenCall {
  callId: string;
  caller: string;
  takenBy: string;
}

/** The calls among `shown` that someone other than `extension` answered. Pure. */
export function takenElsewhere(
  calls: Readonly<Record<string, LiveCall>>,
  shown: ReadonlyMap<string, string>,
  extension: string,
): TakenCall[] {
  const taken: TakenCall[] = [];
  for (const [callId, caller] of shown) {
    const call = calls[callId];
    const by = call ? partyNumber(call.answeredBy ?? null) : '';
    if (!call || !by || by === extension) continue;
    taken.push({ callId, caller, takenBy: partyName(call.answeredBy ?? null) || by });
  }
  return taken;
}
