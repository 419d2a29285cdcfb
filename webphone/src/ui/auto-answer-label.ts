import type { Party } from '../phone/phone.types';

/**
 * What an auto-answered call is, read from the caller ID the controller gives its legs (paging.runner.ts):
 * `Page 801: Alice Smith` (a page of group or zone 801 by Alice), `EMERGENCY page 801`, `Intercom: Alice Smith`.
 * Anything else is some other auto-answered call (a supervisor's phone, a desk phone's own intercom).
 */
export type AutoAnswered =
  | { kind: 'page'; group: string; from: string }
  | { kind: 'emergency-page'; group: string; from: string }
  | { kind: 'intercom'; from: string }
  | { kind: 'other'; from: string };

export function autoAnsweredOf(remote: Party): AutoAnswered {
  const name = remote.name.trim();
  const who = (named: string | undefined) => (named && named.trim()) || remote.number;
  const emergency = /^EMERGENCY page (\S+)(?::\s*(.*))?$/i.exec(name);
  if (emergency) return { kind: 'emergency-page', group: emergency[1]!, from: who(emergency[2]) };
  const page = /^Page (\S+):\s*(.*)$/.exec(name);
  if (page) return { kind: 'page', group: page[1]!, from: who(page[2]) };
  const intercom = /^Intercom:\s*(.*)$/.exec(name);
  if (intercom) return { kind: 'intercom', from: who(intercom[1]) };
  return { kind: 'other', from: who(name) };
}

/** The banner's words while the call is on (`ended`: once it is over). */
export function autoAnsweredText(remote: Party, ended: boolean): string {
  const call = autoAnsweredOf(remote);
  switch (call.kind) {
    case 'page':
      return ended
        ? `Page from ${call.from} (${call.group}) ended`
        : `Page from ${call.from} (${call.group})`;
    case 'emergency-page':
      return ended
        ? `Emergency page ${call.group} from ${call.from} ended`
        : `EMERGENCY page ${call.group} from ${call.from}`;
    case 'intercom':
      return ended ? `Intercom from ${call.from} ended` : `Intercom from ${call.from}`;
    case 'other':
      return ended ? `Auto-answered call from ${call.from} ended` : `Auto-answered: ${call.from}`;
    default: {
      const never: never = call;
      return never;
    }
  }
}
