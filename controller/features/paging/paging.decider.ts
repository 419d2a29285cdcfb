import { planMembers } from './page-members.js';
import {
  beepPlaybackId,
  creatingChannels,
  evolve,
  legOf,
  liveChannels,
  memberLegId,
  pageBridgeId,
  pageBridgeName,
  pagerLegId,
} from './page-state.js';
import type {
  EndReason,
  LegState,
  PageDecision,
  PageEffect,
  PageEvent,
  PageInput,
  PageLeg,
  PageMember,
  PageSetup,
  PageState,
} from './paging.types.js';
import { onEffectFailed } from './page-recovery.js';

export interface Step {
  state: PageState | undefined;
  events: PageEvent[];
  effects: PageEffect[];
  now: Date;
}

/**
 * Paging as a pure function: one page, one input; what happened and what to do. The shell (paging.runner.ts) keeps
 * one page per group, saves, publishes and carries the effects out through the Pbx port.
 */
export function decide(input: PageInput, state: PageState | undefined, now: Date): PageDecision {
  const step: Step = { state, events: [], effects: [], now };
  react(step, input);
  return { events: step.events, effects: step.effects };
}

export function emit(step: Step, event: PageEvent): void {
  step.events.push(event);
  step.state = evolve(step.state, event);
}

export const effect = (step: Step, e: PageEffect) => void step.effects.push(e);

export function pageOf(step: Step): PageState {
  if (!step.state) throw new Error('no page');
  return step.state;
}

const over = (page: PageState | undefined): boolean => !page || page.phase === 'ended';

function react(step: Step, input: PageInput): void {
  const page = step.state;
  if (input.kind === 'start') return page ? undefined : start(step, input.setup);
  if (!page || over(page)) return;
  switch (input.kind) {
    case 'bridge-created':
      emit(step, { kind: 'bridge-ready' });
      return joinPager(step);
    case 'channel-entered':
      return onEntered(step, input.channelId);
    case 'channel-up':
      return onUp(step, input.channelId);
    case 'entered-bridge':
      return onEnteredBridge(step, input.channelId);
    case 'channel-left':
      return channelGone(step, input.channelId, input.busy ? 'rejected' : 'no-answer');
    case 'playback-finished':
      return onBeepDone(step, input.playbackId);
    case 'timeout':
      return page.deadline && step.now.getTime() >= Date.parse(page.deadline)
        ? end(step, 'max-length')
        : undefined;
    case 'stop':
      return end(step, 'stopped');
    case 'member-taken':
      return onTaken(step, input.extension);
    case 'effect-failed':
      return onEffectFailed(step, input.effect, input.reason);
    case 'reconcile':
      return onReconcile(step, new Set(input.channelIds));
    default: {
      const never: never = input;
      throw new Error(`unknown page input ${JSON.stringify(never)}`);
    }
  }
}

function start(step: Step, setup: PageSetup): void {
  const plans = planMembers(setup.candidates, {
    priority: setup.priority,
    busyPolicy: setup.busyPolicy,
    pagerExtension: setup.pager.extension,
  });
  const members: PageMember[] = plans.map((plan, i): PageMember => {
    switch (plan.action) {
      case 'call':
        return {
          extension: plan.extension,
          status: 'calling',
          legs: plan.endpoints.map((endpoint, j) => ({
            channelId: memberLegId(setup.id, i, j),
            endpoint,
            state: 'pending',
          })),
        };
      case 'take':
        return {
          extension: plan.extension,
          status: 'calling',
          takenFrom: plan.fromPageId,
          legs: plan.channelIds.map((channelId) => ({ channelId, endpoint: '', state: 'pending' })),
        };
      case 'skip':
        return { extension: plan.extension, status: 'skipped', reason: plan.reason, legs: [] };
      case 'fail':
        return { extension: plan.extension, status: 'failed', reason: plan.reason, legs: [] };
      default: {
        const never: never = plan;
        throw new Error(`unknown member plan ${JSON.stringify(never)}`);
      }
    }
  });
  const { pager } = setup;
  const bridgeId = pageBridgeId(setup.id);
  emit(step, {
    kind: 'created',
    page: {
      id: setup.id,
      number: setup.number,
      name: setup.name,
      groupIds: setup.groupIds,
      priority: setup.priority,
      beep: setup.beep,
      maxSeconds: setup.maxSeconds,
      origin: pager.origin,
      pager: {
        extension: pager.extension,
        name: pager.name,
        channelId: pager.origin === 'dial' ? pager.channelId : null,
        legs:
          pager.origin === 'api'
            ? pager.endpoints.map((endpoint, i) => ({
                channelId: pagerLegId(setup.id, i),
                endpoint,
                state: 'creating',
              }))
            : [],
        state: 'ringing',
      },
      bridgeId,
      bridge: 'creating',
      phase: 'starting',
      startedAt: step.now.toISOString(),
      deadline: null,
      members,
      endReason: null,
    },
  });
  effect(step, { kind: 'create-bridge', bridgeId, name: pageBridgeName(setup.number) });
  if (pager.origin === 'dial') return effect(step, { kind: 'answer', channelId: pager.channelId });
  if (pager.endpoints.length === 0) return end(step, 'pager-unavailable');
  for (const leg of pageOf(step).pager.legs)
    effect(step, { kind: 'create-leg', channelId: leg.channelId, endpoint: leg.endpoint, autoAnswer: false });
}

export function setLeg(step: Step, channelId: string, state: LegState): void {
  const page = pageOf(step);
  const pagerLeg = page.pager.legs.find((l) => l.channelId === channelId);
  if (pagerLeg) {
    const legs = page.pager.legs.map((l) => (l.channelId === channelId ? { ...l, state } : l));
    return emit(step, { kind: 'pager-changed', pager: { ...page.pager, legs } });
  }
  const found = legOf(page, channelId);
  if (!found) return;
  const legs = found.member.legs.map((l) => (l.channelId === channelId ? { ...l, state } : l));
  emit(step, { kind: 'member-changed', member: { ...found.member, legs } });
}

function onEntered(step: Step, channelId: string): void {
  const page = pageOf(step);
  const isPagerLeg = page.pager.legs.some((l) => l.channelId === channelId && l.state === 'creating');
  const member = legOf(page, channelId);
  if (!isPagerLeg && member?.leg.state !== 'creating') return;
  if (page.phase === 'ending') {
    setLeg(step, channelId, 'dialling');
    return effect(step, { kind: 'hangup', channelId });
  }
  setLeg(step, channelId, 'dialling');
  // A member leg is muted toward the bridge from its first moment: nothing it sends can reach the page.
  if (!isPagerLeg) effect(step, { kind: 'mute', channelId });
  effect(step, { kind: 'dial', channelId });
}

function onUp(step: Step, channelId: string): void {
  const page = pageOf(step);
  if (page.phase === 'ending') return;
  if (page.pager.channelId === channelId && page.pager.state === 'ringing') {
    emit(step, { kind: 'pager-changed', pager: { ...page.pager, state: 'up' } });
    return joinPager(step);
  }
  const pagerLeg = page.pager.legs.find((l) => l.channelId === channelId);
  if (pagerLeg) return pagerLegAnswered(step, pagerLeg);
  const found = legOf(page, channelId);
  if (!found || found.leg.state !== 'dialling') return;
  if (page.beep) {
    setLeg(step, channelId, 'beeping');
    return effect(step, {
      kind: 'play',
      playbackId: beepPlaybackId(channelId),
      channelId,
      media: ['sound:beep'],
    });
  }
  joinLeg(step, channelId);
}

/** API page: the first of the pager's legs to answer is the pager; the others stop ringing. */
function pagerLegAnswered(step: Step, leg: PageLeg): void {
  const page = pageOf(step);
  if (page.pager.channelId !== null) return;
  const legs = page.pager.legs.map((l) =>
    l.channelId === leg.channelId ? { ...l, state: 'up' as const } : l,
  );
  emit(step, {
    kind: 'pager-changed',
    pager: { ...page.pager, channelId: leg.channelId, legs, state: 'up' },
  });
  for (const other of legs)
    if (other.channelId !== leg.channelId && other.state === 'dialling')
      effect(step, { kind: 'hangup', channelId: other.channelId });
  joinPager(step);
}

function joinPager(step: Step): void {
  const page = pageOf(step);
  if (page.bridge !== 'ready' || page.pager.state !== 'up' || !page.pager.channelId) return;
  emit(step, { kind: 'pager-changed', pager: { ...page.pager, state: 'joining' } });
  effect(step, { kind: 'add-to-bridge', channelId: page.pager.channelId });
}

export function joinLeg(step: Step, channelId: string): void {
  setLeg(step, channelId, 'joining');
  effect(step, { kind: 'add-to-bridge', channelId });
}

function onBeepDone(step: Step, playbackId: string): void {
  const page = pageOf(step);
  const leg = page.members.flatMap((m) => m.legs).find((l) => beepPlaybackId(l.channelId) === playbackId);
  if (leg?.state === 'beeping' && page.phase !== 'ending') joinLeg(step, leg.channelId);
}

function onEnteredBridge(step: Step, channelId: string): void {
  const page = pageOf(step);
  if (page.pager.channelId === channelId) {
    if (page.pager.state !== 'joining') return;
    emit(step, { kind: 'pager-changed', pager: { ...page.pager, state: 'bridged' } });
    return page.phase === 'starting' ? goLive(step) : undefined;
  }
  const found = legOf(page, channelId);
  if (!found || found.leg.state === 'bridged' || found.leg.state === 'gone') return;
  const legs = found.member.legs.map((l) =>
    l.channelId === channelId ? { ...l, state: 'bridged' as const } : l,
  );
  emit(step, { kind: 'member-changed', member: { ...found.member, status: 'connected', legs } });
  emit(step, { kind: 'member-joined', extension: found.member.extension, channelId });
}

/** The pager is in the bridge: the page is on; members are called now (taken ones moved in). */
function goLive(step: Step): void {
  const page = pageOf(step);
  const deadline = new Date(step.now.getTime() + page.maxSeconds * 1000).toISOString();
  emit(step, { kind: 'went-live', deadline });
  effect(step, { kind: 'set-timer', at: deadline });
  for (const member of page.members) {
    if (member.status !== 'calling') continue;
    if (member.takenFrom) {
      effect(step, { kind: 'take-member', fromPageId: member.takenFrom, extension: member.extension });
      for (const leg of member.legs) {
        setLeg(step, leg.channelId, 'joining');
        effect(step, { kind: 'mute', channelId: leg.channelId });
        effect(step, { kind: 'add-to-bridge', channelId: leg.channelId });
      }
      continue;
    }
    for (const leg of member.legs) {
      setLeg(step, leg.channelId, 'creating');
      effect(step, {
        kind: 'create-leg',
        channelId: leg.channelId,
        endpoint: leg.endpoint,
        autoAnswer: true,
      });
    }
  }
}

function onTaken(step: Step, extension: string): void {
  const member = pageOf(step).members.find((m) => m.extension === extension);
  if (!member) return;
  // The legs are the emergency page's now: this page forgets them (never hangs them up).
  emit(step, {
    kind: 'member-changed',
    member: { ...member, status: 'left', reason: 'preempted', legs: [] },
  });
}

/** A channel of the page has gone (left Stasis, or a command found it gone). */
export function channelGone(
  step: Step,
  channelId: string,
  why: 'rejected' | 'no-answer' | 'unavailable',
): void {
  const page = pageOf(step);
  if (page.pager.channelId === channelId) {
    emit(step, { kind: 'pager-changed', pager: { ...page.pager, state: 'gone' } });
    if (page.pager.legs.some((l) => l.channelId === channelId)) setLeg(step, channelId, 'gone');
    return page.phase === 'ending' ? checkEnded(step) : end(step, 'pager-hung-up');
  }
  if (page.pager.legs.some((l) => l.channelId === channelId)) {
    setLeg(step, channelId, 'gone');
    const pager = pageOf(step).pager;
    if (pager.channelId === null && pager.legs.every((l) => l.state === 'gone'))
      return page.phase === 'ending' ? checkEnded(step) : end(step, 'pager-unavailable');
    return checkEnded(step);
  }
  const found = legOf(page, channelId);
  if (!found || found.leg.state === 'gone') return;
  const legs = found.member.legs.map((l) =>
    l.channelId === channelId ? { ...l, state: 'gone' as const } : l,
  );
  const member: PageMember = { ...found.member, legs };
  if (legs.every((l) => l.state === 'gone' || l.state === 'pending') && page.phase !== 'ending') {
    if (member.status === 'connected') Object.assign(member, { status: 'left', reason: 'hung-up' });
    else if (member.status === 'calling') Object.assign(member, { status: 'failed', reason: why });
  }
  emit(step, { kind: 'member-changed', member });
  checkEnded(step);
}

export function end(step: Step, reason: EndReason): void {
  const page = pageOf(step);
  if (page.phase === 'ending' || page.phase === 'ended') return;
  emit(step, { kind: 'ending', reason });
  for (const member of page.members) {
    if (!member.legs.some((l) => l.state === 'pending')) continue;
    const legs = member.legs.map((l) => (l.state === 'pending' ? { ...l, state: 'gone' as const } : l));
    emit(step, { kind: 'member-changed', member: { ...member, legs } });
  }
  for (const channelId of liveChannels(pageOf(step))) effect(step, { kind: 'hangup', channelId });
  if (page.bridge !== 'gone') {
    emit(step, { kind: 'bridge-gone' });
    effect(step, { kind: 'destroy-bridge', bridgeId: page.bridgeId });
  }
  checkEnded(step);
}

function checkEnded(step: Step): void {
  const page = pageOf(step);
  if (page.phase !== 'ending') return;
  if (liveChannels(page).length === 0 && creatingChannels(page).length === 0) emit(step, { kind: 'ended' });
}

function onReconcile(step: Step, alive: Set<string>): void {
  const page = pageOf(step);
  for (const channelId of [...liveChannels(page), ...creatingChannels(page)])
    if (!alive.has(channelId)) channelGone(step, channelId, 'no-answer');
}
