import type { AutoAnswerHeaders } from '../../ari/auto-answer.js';
import type { Logger } from 'pino';
import type { FailureReason, Outcome, Pbx } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import { createKeyedLock } from '../calls/keyed-lock.js';
import { liveChannels, creatingChannels, evolve, pageLegArgs } from './page-state.js';
import type { PageStore } from './page-store.js';
import { busEventOf, type PageBusEvent } from './paging.events.js';
import { decide } from './paging.decider.js';
import type { PageEffect, PageInput, PageState } from './paging.types.js';

export interface PagingRunnerDeps {
  pbx: Pbx;
  bus: EventBus;
  store: PageStore;
  logger: Logger;
  now: () => Date;
  /** The SPEC's auto-answer headers, as channel variables of a member leg (`PJSIP_HEADER(add,…)`). */
  autoAnswerHeaders: AutoAnswerHeaders;
  /** Called once a page has ended (audit, freeing its groups). */
  onEnded(page: PageState): Promise<void>;
}

/**
 * The thin shell around the paging decider: per page, under a lock, decide, save (memory + Redis), publish what
 * Asterisk confirmed, carry the effects out through the Pbx; a failed command is fed back as `effect-failed`.
 */
export function createPagingRunner(deps: PagingRunnerDeps) {
  const { pbx, bus, logger, now, store } = deps;
  const pages = new Map<string, PageState>();
  const channelIndex = new Map<string, string>();
  /** Channels an emergency page took from another page → the taking page. */
  const takenBy = new Map<string, string>();
  const autoAnswer = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const watchers = new Set<() => void>();
  const lock = createKeyedLock();

  function index(page: PageState): void {
    const channels = [
      ...liveChannels(page),
      ...creatingChannels(page),
      ...page.members.flatMap((m) => m.legs.map((l) => l.channelId)),
    ];
    for (const [channelId, owner] of channelIndex) if (owner === page.id) channelIndex.delete(channelId);
    for (const [channelId, taker] of takenBy) if (taker === page.id) takenBy.delete(channelId);
    if (page.phase === 'ended') return;
    // Legs an emergency page took are its own, even while the page they came from still lists them.
    for (const member of page.members)
      if (member.takenFrom) for (const leg of member.legs) takenBy.set(leg.channelId, page.id);
    for (const channelId of channels) {
      const taker = takenBy.get(channelId);
      if (taker === undefined || taker === page.id) channelIndex.set(channelId, page.id);
    }
    if (page.pager.channelId) channelIndex.set(page.pager.channelId, page.id);
    for (const leg of page.pager.legs) channelIndex.set(leg.channelId, page.id);
  }

  async function persist(page: PageState): Promise<void> {
    index(page);
    if (page.phase === 'ended') {
      pages.delete(page.id);
      clearTimeout(timers.get(page.id));
      timers.delete(page.id);
      await store.remove(page.id);
      await deps.onEnded(page);
      return;
    }
    pages.set(page.id, page);
    await store.save(page);
  }

  async function process(pageId: string, first: PageInput): Promise<void> {
    const pending: PageInput[] = [first];
    for (let input = pending.shift(); input; input = pending.shift()) {
      const before = pages.get(pageId);
      const decision = decide(input, before, now());
      let state = before;
      const published: PageBusEvent[] = [];
      for (const event of decision.events) {
        state = evolve(state, event);
        const busEvent = state && busEventOf(event, state);
        if (busEvent) published.push(busEvent);
      }
      if (state && state !== before) {
        try {
          await persist(state);
        } catch (error) {
          logger.error({ err: error, pageId }, 'could not save the page');
        }
      }
      for (const event of published) bus.publish(event.type, event.data as never);
      for (const watcher of watchers) watcher();
      for (const batch of batches(decision.effects)) {
        const reasons = await Promise.all(batch.map((effect) => execute(pageId, effect)));
        for (const [i, effect] of batch.entries()) {
          const reason = reasons[i];
          if (reason) pending.push({ kind: 'effect-failed', effect, reason });
          // Asterisk sends no BridgeCreated for the app's own bridges, no event for a mute: its answer is the fact.
          else if (effect.kind === 'create-bridge') pending.push({ kind: 'bridge-created' });
          else if (effect.kind === 'mute') pending.push({ kind: 'leg-muted', channelId: effect.channelId });
        }
      }
    }
  }

  const failure = (outcome: Outcome<unknown>): FailureReason | undefined =>
    outcome.ok ? undefined : outcome.reason;

  async function execute(pageId: string, effect: PageEffect): Promise<FailureReason | undefined> {
    try {
      return await carryOut(pageId, effect);
    } catch (error) {
      logger.error({ err: error, pageId, effect: effect.kind }, 'page effect failed');
      return 'failed';
    }
  }

  async function carryOut(pageId: string, effect: PageEffect): Promise<FailureReason | undefined> {
    const page = pages.get(pageId);
    switch (effect.kind) {
      case 'create-bridge':
        return failure(await pbx.createBridge(effect.bridgeId, 'mixing', effect.name));
      case 'answer':
        return failure(await pbx.answer(effect.channelId));
      case 'create-leg': {
        if (effect.autoAnswer) autoAnswer.add(effect.channelId);
        channelIndex.set(effect.channelId, pageId);
        const callerId = page && {
          name: legCallerName(page),
          number: page.pager.extension,
        };
        return failure(
          await pbx.createChannel({
            channelId: effect.channelId,
            endpoint: effect.endpoint,
            appArgs: pageLegArgs(pageId),
            ...(callerId ? { callerId } : {}),
            variables: effect.autoAnswer ? deps.autoAnswerHeaders.create : {},
          }),
        );
      }
      case 'dial': {
        if (autoAnswer.delete(effect.channelId)) {
          for (const [name, value] of deps.autoAnswerHeaders.beforeDial) {
            const set = await pbx.setVariable(effect.channelId, name, value);
            if (!set.ok) return set.reason;
          }
        }
        return failure(await pbx.dial({ channelId: effect.channelId, timeoutSeconds: 15 }));
      }
      case 'mute':
        return failure(await pbx.mute(effect.channelId, 'in', true));
      case 'play':
        return failure(
          await pbx.play({
            playbackId: effect.playbackId,
            target: { channelId: effect.channelId },
            media: effect.media,
          }),
        );
      case 'add-to-bridge':
        return page ? failure(await pbx.addToBridge(page.bridgeId, [effect.channelId])) : 'gone';
      case 'hangup':
        return failure(await pbx.hangup(effect.channelId, 'normal'));
      case 'destroy-bridge':
        return failure(await pbx.destroyBridge(effect.bridgeId));
      case 'set-timer':
        arm(pageId, effect.at);
        return undefined;
      case 'take-member':
        // Another page's lock: queued, never awaited here (the two pages never wait on each other).
        void submit(effect.fromPageId, { kind: 'member-taken', extension: effect.extension });
        return undefined;
      default: {
        const never: never = effect;
        throw new Error(`unknown page effect ${JSON.stringify(never)}`);
      }
    }
  }

  function arm(pageId: string, at: string): void {
    clearTimeout(timers.get(pageId));
    const delay = Math.max(0, Date.parse(at) - now().getTime());
    const timer = setTimeout(() => {
      // A timer may fire a millisecond before the clock says it is due: wait for the deadline itself.
      if (now().getTime() < Date.parse(at)) return arm(pageId, at);
      void submit(pageId, { kind: 'timeout' });
    }, delay);
    timer.unref();
    timers.set(pageId, timer);
  }

  function submit(pageId: string, input: PageInput): Promise<PageState | undefined> {
    return lock.run(pageId, async () => {
      await process(pageId, input);
      return pages.get(pageId);
    });
  }

  return {
    submit,
    /** Route a channel to a page before its first input (its next facts queue behind it). */
    claim: (channelId: string, pageId: string) => channelIndex.set(channelId, pageId),
    pageOfChannel: (channelId: string) => channelIndex.get(channelId),
    get: (pageId: string) => pages.get(pageId),
    all: () => [...pages.values()],
    /** Resolves once `until` holds for the pages (checked after every decision), or after `timeoutMs`. */
    waitFor(until: () => boolean, timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        if (until()) return resolve(true);
        const watcher = () => {
          if (!until()) return;
          finish(true);
        };
        const finish = (value: boolean) => {
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve(value);
        };
        const timer = setTimeout(() => finish(until()), timeoutMs);
        watchers.add(watcher);
      });
    },
    /** Adopt pages saved in Redis that this process does not know (a restart, or a take-over). */
    restore(saved: PageState[]): void {
      for (const page of saved) {
        if (pages.has(page.id) || page.phase === 'ended') continue;
        pages.set(page.id, page);
        index(page);
        if (page.deadline) arm(page.id, page.deadline);
      }
    },
    idle: () => lock.idle(),
    stop(): void {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type PagingRunner = ReturnType<typeof createPagingRunner>;

/**
 * What a member's phone shows as the caller (the webphone reads it for its banner, ui/auto-answer-label.ts):
 * `Page 801: Alice Smith`, `EMERGENCY page 801: Alice Smith`, `Intercom: Alice Smith`.
 */
function legCallerName(page: PageState): string {
  if (page.mode === 'intercom') return `Intercom: ${page.pager.name}`;
  const what = page.priority === 'emergency' ? `EMERGENCY page ${page.number}` : `Page ${page.number}`;
  return `${what}: ${page.pager.name}`;
}

/**
 * Effects in order, except that the members' legs of one decision are created together (each is its own channel,
 * nothing orders them): a 50-member page sends its 50 creates at once instead of one round trip after another.
 */
function batches(effects: PageEffect[]): PageEffect[][] {
  const out: PageEffect[][] = [];
  for (const effect of effects) {
    const last = out.at(-1);
    if (effect.kind === 'create-leg' && last?.[0]?.kind === 'create-leg') last.push(effect);
    else out.push([effect]);
  }
  return out;
}
