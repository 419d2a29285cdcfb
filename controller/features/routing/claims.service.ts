import type { Logger } from 'pino';
import type { EventBus } from '../../bus/event-bus.js';
import { findContactByNumber } from '../../db/contacts.repository.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { AgentClaims } from '../calls/call-effects.js';
import type { Person } from '../calls/call.types.js';
import type { ContactCallGuard } from '../calls/calls.service.js';
import '../calls/calls.events.js';
import { toE164, type DialingPlan } from '../contacts/phone-number.js';
import type { ClaimsStore } from './claims-store.js';
import { canTakeCall } from './routing.decider.js';
import type { AgentAvailability } from './routing.types.js';

export interface ClaimsDeps {
  db: Db;
  bus: EventBus;
  store: ClaimsStore;
  availability: AgentAvailability;
  plan: DialingPlan;
  logger: Logger;
  /** How often this instance renews the claims of its calls (a third of their time to live). */
  refreshMs: number;
}

/** Who a contact claim names: the agent calling or talking to the contact (null: a routed call not answered yet). */
type ClaimAgent = { userId: string | null; extension: string; displayName: string } | null;

const agentOf = (person: Person | null): ClaimAgent =>
  person ? { userId: person.userId, extension: person.number, displayName: person.name } : null;

/**
 * One agent per routed call and one call per contact, across controller instances: the calls decider claims agents
 * through `agents` (a claim is refused while presence says the agent cannot take a call, or another routed call holds
 * them); click-to-call and routed calls claim the contact. This instance keeps its calls' claims alive and gives them
 * back when the call lets go of an agent or ends (`call.ended`); after every reconcile, claims of calls Asterisk no
 * longer has are dropped, whoever held them.
 */
export function createClaimsService(deps: ClaimsDeps) {
  const { store, logger } = deps;
  /** This instance's claims, by call. */
  const held = new Map<string, Set<string>>();
  const hold = (callId: string, key: string) => held.set(callId, (held.get(callId) ?? new Set()).add(key));
  const drop = (callId: string, key: string) => {
    held.get(callId)?.delete(key);
    if (held.get(callId)?.size === 0) held.delete(callId);
  };

  /** Routed calls of this instance waiting for an agent, and their team. */
  const waitingTeam = new Map<string, string>();
  const free = (userId: string) => canTakeCall(deps.availability.stateOf(userId));

  /** Takes up to `limit` of these agents for the call in one atomic Redis step. */
  async function takeAgents(callId: string, userIds: string[], limit: number): Promise<string[]> {
    const keys = userIds.map((userId) => store.key('agent-claim', userId));
    const taken = new Set(await store.takeSome(keys, callId, limit));
    for (const key of taken) hold(callId, key);
    return userIds.filter((_, i) => taken.has(keys[i]!));
  }

  /** A team step: the call's share of the free agents (the team's waiting calls split them). */
  async function claimShare(callId: string, shared: string[]): Promise<string[]> {
    const candidates = shared.filter(free);
    if (candidates.length === 0) return [];
    const teamId = waitingTeam.get(callId);
    const waiting = teamId ? Math.max(1, await store.waitingCount(teamId)) : 1;
    return takeAgents(callId, candidates, Math.ceil(candidates.length / waiting));
  }

  const agents: AgentClaims = {
    async claim(callId, userIds, shared) {
      const own = userIds.filter((userId) => !shared.includes(userId) && free(userId));
      const [mine, share] = await Promise.all([
        takeAgents(callId, own, own.length),
        claimShare(callId, shared.filter((userId) => userIds.includes(userId))),
      ]);
      return [...mine, ...share];
    },
    async release(callId, userIds) {
      await Promise.all(
        userIds.map(async (userId) => {
          const key = store.key('agent-claim', userId);
          drop(callId, key);
          await store.release(key, callId);
        }),
      );
    },
  };

  /** The contact a number belongs to (E.164), if any. */
  async function contactOf(number: string): Promise<string | undefined> {
    const e164 = toE164(number, deps.plan);
    return e164 ? (await findContactByNumber(deps.db, e164))?.id : undefined;
  }

  async function claimContact(callId: string, contactId: string, agent: ClaimAgent): Promise<boolean> {
    const key = store.key('contact-call', contactId);
    const ok = await store.take(key, callId, JSON.stringify(agent));
    if (ok) hold(callId, key);
    return ok;
  }

  const contacts: ContactCallGuard & { claimRouted(callId: string, contactId: string): Promise<boolean> } = {
    async claim(callId, number, agent) {
      const contactId = await contactOf(number);
      if (!contactId || (await claimContact(callId, contactId, agentOf(agent)))) return;
      const holder = await store.holder(store.key('contact-call', contactId));
      const busy = holder?.payload ? (JSON.parse(holder.payload) as ClaimAgent) : null;
      const who = busy ? `${busy.displayName} (${busy.extension})` : 'an agent';
      throw new AppError('contact-busy', `${who} is already on a call with this contact`, {
        contactId,
        callId: holder?.callId ?? null,
        agent: busy,
      });
    },
    release: (callId) => releaseCall(callId),
    /** A routed call takes its contact if it is free (an inbound call is never refused for it). */
    claimRouted: (callId, contactId) => claimContact(callId, contactId, null),
  };

  async function stopWaiting(callId: string): Promise<void> {
    const teamId = waitingTeam.get(callId);
    if (teamId === undefined) return;
    waitingTeam.delete(callId);
    await store.unwait(teamId, callId);
  }

  async function releaseCall(callId: string): Promise<void> {
    await stopWaiting(callId);
    const keys = [...(held.get(callId) ?? [])];
    held.delete(callId);
    await Promise.all(keys.map((key) => store.release(key, callId)));
  }

  /** The contact claim of an answered call names the agent who answered. */
  async function answered(callId: string, by: Person): Promise<void> {
    await stopWaiting(callId);
    for (const key of held.get(callId) ?? [])
      if (key.startsWith(store.key('contact-call', '')))
        await store.replacePayload(key, callId, JSON.stringify(agentOf(by)));
  }

  async function refresh(): Promise<void> {
    for (const [callId, teamId] of waitingTeam) await store.wait(teamId, callId);
    for (const [callId, keys] of held) {
      const list = [...keys];
      const alive = await store.refresh(list, callId);
      list.forEach((key, i) => {
        if (!alive[i]) drop(callId, key);
      });
    }
  }

  /** After a reconcile: claims of calls that are gone go, this instance's and anyone else's. */
  async function reconcile(live: Set<string>): Promise<void> {
    for (const callId of [...new Set([...held.keys(), ...waitingTeam.keys()])])
      if (!live.has(callId)) await releaseCall(callId);
    for (const { key, holder } of await store.all()) {
      if (live.has(holder.callId)) hold(holder.callId, key);
      else await store.release(key, holder.callId);
    }
    // A call that is gone no longer waits: it would keep a share of the team's agents from the calls that do.
    for (const { teamId, callId } of await store.allWaiting()) {
      if (!live.has(callId)) await store.unwait(teamId, callId);
      else if (!waitingTeam.has(callId)) waitingTeam.set(callId, teamId);
    }
  }

  const guard = <T extends unknown[]>(what: string, work: (...args: T) => Promise<void>) =>
    (...args: T) =>
      void work(...args).catch((error: unknown) => logger.warn({ err: error }, `could not ${what}`));
  const onEnded = guard('release the claims of an ended call', releaseCall);
  const onAnswered = guard('name the agent on a contact claim', answered);
  const onRefresh = guard('refresh claims', refresh);
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  return {
    agents,
    contacts,
    reconcile,
    /** A routed call of this team now waits for an agent (until it is answered or ends). */
    async waiting(callId: string, teamId: string): Promise<void> {
      waitingTeam.set(callId, teamId);
      await store.wait(teamId, callId);
    },
    start(): void {
      unsubscribe = deps.bus.subscribe((event) => {
        if (event.type === 'call.ended') onEnded(event.data.id);
        if (event.type === 'call.answered' && event.data.answeredBy) {
          const by = event.data.answeredBy;
          onAnswered(event.data.id, { userId: by.userId, number: by.extension, name: by.displayName });
        }
      });
      timer = setInterval(onRefresh, deps.refreshMs);
      timer.unref();
    },
    stop(): void {
      unsubscribe?.();
      if (timer) clearInterval(timer);
    },
    /** Calls this instance holds claims for (tests, diagnostics). */
    heldCalls: () => [...held.keys()],
  };
}

export type ClaimsService = ReturnType<typeof createClaimsService>;
