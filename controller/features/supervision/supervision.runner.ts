import type { Logger } from 'pino';
import type { FailureReason, Outcome, Pbx } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import { createKeyedLock } from '../calls/keyed-lock.js';
import type { AutoAnswerHeaders } from '../../ari/auto-answer.js';
import { evolve, watchedChannels } from './session-state.js';
import type { SessionStore } from './supervision-store.js';
import { toSessionView } from './supervision-view.js';
import { decide } from './supervision.decider.js';
import type { SessionEffect, SessionEvent, SessionInput, SessionState } from './supervision.types.js';

export interface SupervisionRunnerDeps {
  pbx: Pbx;
  bus: EventBus;
  logger: Logger;
  now: () => Date;
  store: SessionStore;
  /** The SPEC's auto-answer headers (controller/ari/auto-answer.ts), for the supervisor's legs. */
  autoAnswer: AutoAnswerHeaders;
  /** Every decided event with the session after it (the audit trail). */
  onEvents(session: SessionState, events: SessionEvent[], teamId: string | null): Promise<void>;
}

/**
 * The thin shell around the supervision decider: per session, under a lock, decide, keep the state, publish what
 * Asterisk confirmed, carry the effects out through the Pbx; a failed command comes back as `effect-failed`.
 */
export function createSupervisionRunner(deps: SupervisionRunnerDeps) {
  const { pbx, bus, logger, now } = deps;
  const sessions = new Map<string, SessionState>();
  const teams = new Map<string, string | null>();
  /** A channel → the sessions watching it (two supervisors on one call both watch the agent's channel). */
  const channelIndex = new Map<string, Set<string>>();
  const lock = createKeyedLock();

  function index(session: SessionState): void {
    for (const [channelId, owners] of channelIndex) {
      owners.delete(session.id);
      if (owners.size === 0) channelIndex.delete(channelId);
    }
    for (const channelId of watchedChannels(session)) {
      const owners = channelIndex.get(channelId) ?? new Set<string>();
      channelIndex.set(channelId, owners.add(session.id));
    }
  }

  function publish(session: SessionState, event: SessionEvent): void {
    const view = toSessionView(session, teams.get(session.id) ?? null);
    if (event.kind === 'switched' && event.from === null) bus.publish('supervision.started', view);
    else if (event.kind === 'switched') bus.publish('supervision.changed', { ...view, from: event.from! });
    else if (event.kind === 'ended' && session.activeAt)
      bus.publish('supervision.ended', {
        ...view,
        reason: session.endReason ?? 'requested',
        endedAt: now().toISOString(),
      });
  }

  async function process(id: string, first: SessionInput): Promise<SessionState | undefined> {
    const pending: SessionInput[] = [first];
    let state = sessions.get(id);
    for (let input = pending.shift(); input; input = pending.shift()) {
      const before = sessions.get(id);
      const decision = decide(input, before, now());
      state = before;
      for (const event of decision.events) {
        state = evolve(state as SessionState, event);
        publish(state, event);
      }
      if (!state) return undefined;
      index(state);
      if (state.phase === 'ended') sessions.delete(id);
      else sessions.set(id, state);
      await save(state);
      if (decision.events.length > 0)
        await deps
          .onEvents(state, decision.events, teams.get(id) ?? null)
          .catch((error: unknown) =>
            logger.error({ err: error, sessionId: id }, 'could not audit a supervision event'),
          );
      if (state.phase === 'ended') teams.delete(id);
      for (const effect of decision.effects) {
        const reason = await execute(effect);
        if (!reason) continue;
        logger.debug({ sessionId: id, effect: effect.kind, reason }, 'supervision command failed');
        pending.push({ kind: 'effect-failed', effect, reason });
      }
    }
    return state;
  }

  async function save(state: SessionState): Promise<void> {
    try {
      if (state.phase === 'ended') await deps.store.remove(state.id);
      else await deps.store.save({ session: state, teamId: teams.get(state.id) ?? null });
    } catch (error) {
      logger.warn({ err: error, sessionId: state.id }, 'could not save the supervision session in Redis');
    }
  }

  const failure = (outcome: Outcome<unknown>): FailureReason | undefined =>
    outcome.ok ? undefined : outcome.reason;

  async function execute(effect: SessionEffect): Promise<FailureReason | undefined> {
    try {
      return await carryOut(effect);
    } catch (error) {
      logger.error({ err: error, effect: effect.kind }, 'supervision effect failed');
      return 'failed';
    }
  }

  async function carryOut(effect: SessionEffect): Promise<FailureReason | undefined> {
    switch (effect.kind) {
      case 'answer':
        return failure(await pbx.answer(effect.channelId));
      case 'create-leg':
        return failure(
          await pbx.createChannel({
            channelId: effect.channelId,
            endpoint: effect.endpoint,
            appArgs: effect.appArgs,
            callerId: { name: 'Supervision', number: 'supervision' },
            variables: deps.autoAnswer.create,
          }),
        );
      case 'dial': {
        for (const [name, value] of deps.autoAnswer.beforeDial) {
          const set = await pbx.setVariable(effect.channelId, name, value);
          if (!set.ok) return set.reason;
        }
        return failure(await pbx.dial({ channelId: effect.channelId, timeoutSeconds: 30 }));
      }
      case 'hangup':
        return failure(await pbx.hangup(effect.channelId, 'normal'));
      case 'create-bridge':
        return failure(await pbx.createBridge(effect.bridgeId, 'mixing-dtmf', effect.name));
      case 'destroy-bridge':
        return failure(await pbx.destroyBridge(effect.bridgeId));
      case 'snoop':
        return failure(
          await pbx.snoop({
            snoopId: effect.snoopId,
            channelId: effect.channelId,
            spy: 'both',
            whisper: effect.whisper,
            appArgs: effect.appArgs,
          }),
        );
      case 'add-to-bridge':
        return failure(await pbx.addToBridge(effect.bridgeId, [effect.channelId]));
      case 'moh':
        return failure(await pbx.moh({ channelId: effect.channelId }, effect.on));
      case 'play':
        return failure(
          await pbx.play({
            playbackId: effect.playbackId,
            target: { channelId: effect.channelId },
            media: effect.media,
          }),
        );
      default: {
        const never: never = effect;
        throw new Error(`unknown supervision effect ${JSON.stringify(never)}`);
      }
    }
  }

  return {
    /** Queue an input for a session; resolves with the session as it stands afterwards (undefined once ended). */
    submit(id: string, input: SessionInput | (() => Promise<SessionInput | undefined>)) {
      return lock.run(id, async () => {
        const resolved = typeof input === 'function' ? await input() : input;
        return resolved ? process(id, resolved) : sessions.get(id);
      });
    },
    /** The agent's team of a new session (who may see it), before its start is decided. */
    setTeam: (id: string, teamId: string | null) => teams.set(id, teamId),
    /** Route a channel to a session before its start is decided (its next facts queue behind it). */
    claim(channelId: string, id: string): void {
      const owners = channelIndex.get(channelId) ?? new Set<string>();
      channelIndex.set(channelId, owners.add(id));
    },
    sessionsOfChannel: (channelId: string): string[] => [...(channelIndex.get(channelId) ?? [])],
    get: (id: string) => sessions.get(id),
    /** Takes over the sessions saved in Redis that this process does not know (a restart). */
    async restore(): Promise<void> {
      for (const { session, teamId } of await deps.store.loadAll()) {
        if (sessions.has(session.id)) continue;
        sessions.set(session.id, session);
        teams.set(session.id, teamId);
        index(session);
      }
    },
    teamOf: (id: string) => teams.get(id) ?? null,
    all: () => [...sessions.values()],
    idle: () => lock.idle(),
  };
}

export type SupervisionRunner = ReturnType<typeof createSupervisionRunner>;
