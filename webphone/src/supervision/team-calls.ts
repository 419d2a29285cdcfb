import {
  partyName,
  partyNumber,
  type LiveCall,
  type PartyLike,
  type Presence,
  type User,
} from '../api/types';
import type { SupervisionSession } from './supervision.state';

export interface Party {
  number: string;
  name: string;
}

/** A live call of the supervisor's team as the Team calls panel lists it. */
export interface TeamCallRow {
  callId: string;
  /** The team's agent on the call: whom a session supervises. */
  agent: Party;
  /** Who the agent talks with (a customer, a colleague). */
  other: Party;
  /** Answered (and so supervisable), or still ringing. */
  talking: boolean;
  /** When it was answered, or else when it began. */
  since: string;
  /** Every session on this call the user may see, theirs included, oldest first. */
  supervisors: (SupervisionSession & { supervisorName: string })[];
}

/**
 * The calls a supervisor watches: those with an agent of their own team on them (an admin: every call with a
 * user on it), never one the viewer is a party of (nobody supervises their own call). Team membership comes from
 * the presence the controller sends (each user's `teamId`). Pure.
 */
export function teamCalls(
  calls: Readonly<Record<string, LiveCall>>,
  presence: Readonly<Record<string, Presence>>,
  sessions: Readonly<Record<string, SupervisionSession>>,
  viewer: Pick<User, 'id' | 'role' | 'teamId' | 'extension'>,
): TeamCallRow[] {
  const nameOf = (number: string, fallback = '') => presence[number]?.displayName || fallback || number;
  const isAgentOfViewer = (number: string) => {
    const person = presence[number];
    if (!person || number === viewer.extension || person.userId === viewer.id) return false;
    return viewer.role === 'admin' || (viewer.teamId !== null && person.teamId === viewer.teamId);
  };
  const rows: TeamCallRow[] = [];
  for (const call of Object.values(calls)) {
    if (call.state === 'ended' || call.state === 'ending') continue;
    const from = partyNumber(call.from);
    const to = partyNumber(call.to);
    const answeredBy = partyNumber(call.answeredBy ?? null);
    if ([from, to, answeredBy].includes(viewer.extension)) continue;
    const agentNumber = [answeredBy, to, from].find((n) => n && isAgentOfViewer(n));
    if (!agentNumber) continue;
    const agentParty: PartyLike =
      agentNumber === from ? call.from : agentNumber === answeredBy ? call.answeredBy : call.to;
    const otherParty = agentNumber === from ? call.to : call.from;
    const otherNumber = partyNumber(otherParty);
    rows.push({
      callId: call.id,
      agent: { number: agentNumber, name: nameOf(agentNumber, partyName(agentParty)) },
      other: { number: otherNumber, name: nameOf(otherNumber, partyName(otherParty)) || 'Unknown caller' },
      talking: call.state === 'answered' || Boolean(call.answeredAt),
      since: call.answeredAt ?? call.startedAt,
      supervisors: Object.values(sessions)
        .filter((s) => s.callId === call.id)
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
        .map((s) => ({ ...s, supervisorName: nameOf(s.supervisorExtension) })),
    });
  }
  return rows.sort((a, b) => a.since.localeCompare(b.since));
}

export const isSupervisorRole = (role: User['role']): boolean => role === 'supervisor' || role === 'admin';
