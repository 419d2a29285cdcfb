import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import '../call-handling/call-handling.events.js';
import type { CallView } from '../calls/call-view.js';
import type { AgentAvailability, AgentState } from './routing.types.js';

/**
 * A stand-in for presence (`../presence/`, another branch) until it is wired: DND from `users.dnd` (kept by
 * `user.dnd-changed`), on a call from the live calls; everyone else available (registrations are presence's: an
 * agent with no registered device is rung, and the leg fails at once).
 */
export function createInterimAvailability(deps: { db: Db; bus: EventBus; liveCalls: () => CallView[] }) {
  const dnd = new Set<string>();
  const unsubscribe = deps.bus.subscribe((event) => {
    if (event.type !== 'user.dnd-changed') return;
    if (event.data.enabled) dnd.add(event.data.userId);
    else dnd.delete(event.data.userId);
  });
  const availability: AgentAvailability = {
    stateOf(userId: string): AgentState {
      if (dnd.has(userId)) return 'dnd';
      const onCall = deps
        .liveCalls()
        .some((c) => c.state === 'answered' && (c.answeredBy?.userId === userId || c.from.userId === userId));
      return onCall ? 'on-call' : 'available';
    },
  };
  return {
    ...availability,
    async start(): Promise<void> {
      const rows = await deps.db.selectFrom('users').select('id').where('dnd', '=', true).execute();
      for (const row of rows) dnd.add(row.id);
    },
    stop: unsubscribe,
  };
}
