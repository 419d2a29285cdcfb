import type { Db } from '../../db/database.js';
import { findUserByExtension, findUserById, type User } from '../../db/users.repository.js';
import type { CallParties, CallsService } from '../calls/calls.service.js';
import type { Principal } from '../../http/auth.js';
import { maySupervise, type SupervisionPerson, type SupervisionVerdict } from './supervision.access.js';
import type { SupervisedCall, Who } from './supervision.types.js';

/** Reads every live call, whoever asks (the supervision rules decide what is done with it). */
const SYSTEM: Principal = {
  userId: 'system',
  username: 'system',
  role: 'admin',
  extension: '',
  teamId: null,
};

export const personOf = (user: User): SupervisionPerson => ({
  userId: user.id,
  role: user.role,
  teamId: user.teamId,
});
export const whoOf = (user: User): Who => ({
  userId: user.id,
  extension: user.extension,
  name: user.username,
});

/** The talking call the agent is a party of now, on whichever of their devices, with its two sides. */
export function callOfAgent(calls: CallsService, agentUserId: string): CallParties | undefined {
  for (const view of calls.list(SYSTEM)) {
    if (view.state !== 'answered') continue;
    const parties = calls.partiesOfCall(view.id);
    if (parties?.bridgeId && [parties.a, parties.b].some((side) => side.person.userId === agentUserId))
      return parties;
  }
  return undefined;
}

/** The call as a session needs it: the agent's channel (snooped), the other party's, the call's bridge. */
export function supervisedCallOf(parties: CallParties, agentUserId: string): SupervisedCall {
  const agentIsA = parties.a.person.userId === agentUserId;
  const agent = agentIsA ? parties.a : parties.b;
  const other = agentIsA ? parties.b : parties.a;
  return {
    callId: parties.callId,
    bridgeId: parties.bridgeId!,
    agentChannelId: agent.channelId,
    otherChannelId: other.channelId,
  };
}

/** The access rule over a call, its parties read from the database now (null: an outside party or a device). */
export async function verdictOver(
  db: Db,
  supervisor: User,
  target: User,
  parties: CallParties | undefined,
): Promise<SupervisionVerdict> {
  if (!parties) return maySupervise({ supervisor: personOf(supervisor), target: personOf(target) });
  const users = await Promise.all(
    [parties.a, parties.b].map(async (side) =>
      side.person.userId ? ((await findUserById(db, side.person.userId)) ?? null) : null,
    ),
  );
  return maySupervise({
    supervisor: personOf(supervisor),
    target: personOf(target),
    callParties: users.map((user) => (user ? personOf(user) : null)),
  });
}

export { findUserByExtension, findUserById };
