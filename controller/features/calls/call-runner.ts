import type { Logger } from 'pino';
import type { FailureReason, Pbx } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import type { Db } from '../../db/database.js';
import { evolve } from './call-state.js';
import type { CallStore } from './call-store.js';
import { createCallTimers } from './call-timers.js';
import { toCallView } from './call-view.js';
import type { CallEffect, CallInput, CallState } from './call.types.js';
import { decide } from './calls.decider.js';
import { busEventOf, type CallBusEvent, type CallEventView } from './calls.events.js';
import { createKeyedLock } from './keyed-lock.js';
import { createCallEffects, type AgentClaims } from './call-effects.js';
import { createOrderedWrites } from './ordered-writes.js';
import { createCallLogWriter } from './call-log-writer.js';
import { upsertCallLog } from '../../db/calls.repository.js';
import type { SetupTrace } from './setup-trace.js';

export interface CallRunnerDeps {
  pbx: Pbx;
  db: Db;
  bus: EventBus;
  store: CallStore;
  logger: Logger;
  now: () => Date;
  /** `#72` in a call: parking takes over (set by the composition root; without it the code is ignored). */
  onParkCode?: (request: ParkCodeRequest) => void;
  /** `*1` in a call: the recording feature toggles the call's recording (without it the code is ignored). */
  onRecordCode?: (request: RecordCodeRequest) => void;
  /** A refused transfer's survivor rings the transferer back: the service starts that call. */
  onRingBack?: (request: RingBackRequest) => void;
  /** An unanswered call to a user with a mailbox: the voicemail feature takes the caller's leg. */
  onVoicemail?: (request: VoicemailRequest) => void;
  /** A blind transfer's new call: the service starts it. */
  onTransferCall?: (request: TransferCallRequest) => void;
  /** Told the set-up steps it sees (decided, originate sent, saved). */
  trace?: SetupTrace;
  /** Routed calls' agent claims (contact centre). */
  agents?: AgentClaims;
}

/**
 * Effects that do not depend on one another, run at once when they come in a row: a click-to-call's own devices are
 * created together. Callee legs are originated one after another, in order, so that the desk phone's INVITE is not
 * held up by Asterisk handling the webphone's originate (on a busy two-core host every request in that window
 * showed in the set-up time).
 */
const CONCURRENT: ReadonlySet<CallEffect['kind']> = new Set(['create-channel']);

export type RingBackRequest = Omit<Extract<CallEffect, { kind: 'ring-back' }>, 'kind'>;
export type VoicemailRequest = Omit<Extract<CallEffect, { kind: 'voicemail' }>, 'kind'>;
export type TransferCallRequest = Extract<CallEffect, { kind: 'transfer-call' }>['request'];

export type RecordCodeRequest = Omit<Extract<CallEffect, { kind: 'record-code' }>, 'kind'>;

export interface ParkCodeRequest {
  callId: string;
  parkerChannelId: string;
  parkeeChannelId: string;
}

/** An input, or a lookup that yields one (run under the call's lock, so later facts of the call wait for it). */
export type PendingInput = CallInput | (() => Promise<CallInput | undefined>);

/**
 * The thin shell around the decider: per call, under a lock, load the state, decide, save (memory + Redis), publish
 * the events clients see, then carry out the effects through the Pbx; a failed command is fed back as an input.
 */
export function createCallRunner(deps: CallRunnerDeps) {
  const { pbx, bus, store, logger, now } = deps;
  const calls = new Map<string, CallState>();
  const channelIndex = new Map<string, string>();
  const lock = createKeyedLock();
  const timers = createCallTimers((callId, at) => {
    void lock.run(callId, async () => {
      if (calls.get(callId)?.timerAt === at) await process(callId, { kind: 'dial-timeout' });
    });
  }, now);

  const effects = createCallEffects({
    pbx,
    db: deps.db,
    timers,
    mark: (callId, step) => mark(callId, step),
    onParkCode: deps.onParkCode,
    onRecordCode: deps.onRecordCode,
    onRingBack: deps.onRingBack,
    agents: deps.agents,
    onVoicemail: deps.onVoicemail,
    onTransferCall: deps.onTransferCall,
  });
  const writes = createOrderedWrites((error, key) =>
    logger.warn({ err: error, callId: key }, 'could not save the call (Redis) or write its log'),
  );
  const callLogs = createCallLogWriter({ writes, write: (entry) => upsertCallLog(deps.db, entry), logger });
  const mark = (callId: string, step: Parameters<SetupTrace>[1]) =>
    deps.trace?.(callId, step, performance.now());

  /** The call as it now stands, in memory: at once, the next input reads it. */
  function remember(state: CallState): void {
    const ended = state.stage === 'ended';
    for (const leg of state.legs) {
      // A released leg may belong to another call now (a ring-back): only this call's own entries go.
      if (ended || leg.status === 'gone') {
        if (ended && channelIndex.get(leg.id) === state.id) channelIndex.delete(leg.id);
      } else channelIndex.set(leg.id, state.id);
    }
    if (ended) {
      calls.delete(state.id);
      timers.cancel(state.id);
    } else calls.set(state.id, state);
  }

  /** The call in Redis and its log rows, queued in order behind the call's earlier writes (off the lock). */
  function queueWrites(callId: string, state: CallState | undefined, logs: CallEffect[]): void {
    if (state) {
      const ended = state.stage === 'ended';
      void writes.queue(state.id, async () => {
        await (ended ? store.remove(state.id) : store.save(state));
        mark(state.id, 'saved');
      });
    }
    for (const effect of logs)
      if (effect.kind === 'write-call-log') void callLogs.queue(callId, effect.log);
      else void writes.queue(callId, () => execute(callId, effect));
  }

  async function process(callId: string, first: CallInput): Promise<CallState | undefined> {
    const pending: CallInput[] = [first];
    let state = calls.get(callId);
    for (let input = pending.shift(); input; input = pending.shift()) {
      const before = calls.get(callId);
      const decision = decide(input, before, now());
      if (input.kind === 'phone-call') mark(callId, 'decided');
      logger.trace(
        { callId, input: input.kind, events: decision.events.map((e) => e.kind) },
        'call input decided',
      );
      state = before;
      const published: [CallBusEvent, CallEventView][] = [];
      for (const event of decision.events) {
        state = evolve(state, event);
        const bus = busEventOf(event, state);
        if (bus) published.push([bus.type, { ...toCallView(state), ...(bus.device ? { device: bus.device } : {}) }]);
      }
      const changed = state && state !== before ? state : undefined;
      if (changed) remember(changed);
      // Redis and the call log are written in order, off the lock. An event waits for its log row (a client that
      // hears call.ended and reads the log finds it closed); with no event (a call starting) the writes follow the
      // commands, so the callee's INVITE does not wait for them.
      const [logs, commands] = partition(decision.effects, (effect) => effect.kind === 'write-call-log');
      if (published.length > 0) {
        queueWrites(callId, changed, logs);
        await writes.after(callId);
      }
      for (const [type, view] of published) bus.publish(type, view);
      for (const group of runs(commands)) {
        const feed = (next: CallInput) => pending.push(next);
        const reasons = await Promise.all(group.map((effect) => execute(callId, effect, feed)));
        group.forEach((effect, i) => {
          const reason = reasons[i];
          if (!reason) return;
          logger.debug({ callId, effect: effect.kind, reason }, 'call command failed');
          pending.push({ kind: 'effect-failed', effect, reason });
        });
      }
      if (published.length === 0) queueWrites(callId, changed, logs);
    }
    return state;
  }

  async function execute(
    callId: string,
    effect: CallEffect,
    feed?: (input: CallInput) => void,
  ): Promise<FailureReason | undefined> {
    try {
      return await effects.carryOut(callId, effect, feed);
    } catch (error) {
      logger.error({ err: error, callId, effect: effect.kind }, 'call effect failed');
      return 'failed';
    }
  }

  return {
    /** Queue an input for a call; resolves with the call as it stands afterwards (undefined once ended). */
    submit(callId: string, input: PendingInput): Promise<CallState | undefined> {
      return lock.run(callId, async () => {
        const resolved = typeof input === 'function' ? await input() : input;
        const state = resolved ? await process(callId, resolved) : calls.get(callId);
        if (!calls.has(callId))
          for (const [channel, owner] of channelIndex) if (owner === callId) channelIndex.delete(channel);
        return state;
      });
    },
    /** Route a channel to a call before its first input is decided (so its next facts queue behind it). */
    claim: (channelId: string, callId: string) => channelIndex.set(channelId, callId),
    /** Undo a claim that did not become a leg (a pick-up that came too late). */
    unclaim: (channelId: string) => void channelIndex.delete(channelId),
    callOfChannel: (channelId: string) => channelIndex.get(channelId),
    get: (callId: string) => calls.get(callId),
    all: () => [...calls.values()],
    /** Adopt calls saved in Redis that this process does not know (a restart, or taking over from another instance). */
    async restore(): Promise<void> {
      for (const call of await store.loadAll()) {
        if (calls.has(call.id)) continue;
        calls.set(call.id, call);
        for (const leg of call.legs) if (leg.status !== 'gone') channelIndex.set(leg.id, call.id);
        if (call.timerAt) timers.arm(call.id, call.timerAt);
      }
    },
    async idle(): Promise<void> {
      await lock.idle();
      await writes.idle();
    },
    stop: () => {
      timers.cancelAll();
      callLogs.stop();
    },
  };
}

/** The commands in order, consecutive independent ones (`CONCURRENT`) grouped to run at once. */
function runs(effects: CallEffect[]): CallEffect[][] {
  const groups: CallEffect[][] = [];
  for (const effect of effects) {
    const last = groups.at(-1);
    if (last && CONCURRENT.has(effect.kind) && CONCURRENT.has(last[0]!.kind)) last.push(effect);
    else groups.push([effect]);
  }
  return groups;
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

export type CallRunner = ReturnType<typeof createCallRunner>;
