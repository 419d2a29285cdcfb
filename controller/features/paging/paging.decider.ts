import { channelGone, end, onReconcile, onTaken } from './page-end.js';
import { onEffectFailed } from './page-recovery.js';
import { beepPlaybackId, legOf } from './page-state.js';
import { start } from './page-start.js';
import { effect, emit, joinLeg, pageOf, setLeg, type Step } from './page-step.js';
import type { PageDecision, PageInput, PageLeg, PageState } from './paging.types.js';

export type { Step } from './page-step.js';

/**
 * Paging as a pure function: one page, one input; what happened and what to do. The shell (paging.runner.ts) keeps
 * one page per group, saves, publishes and carries the effects out through the Pbx port.
 */
export function decide(input: PageInput, state: PageState | undefined, now: Date): PageDecision {
  const step: Step = { state, events: [], effects: [], now };
  react(step, input);
  return { events: step.events, effects: step.effects };
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
    case 'leg-muted':
      return onMuted(step, input.channelId);
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
  if (page.mode === 'intercom') return beepOrJoin(step, channelId);
  // A member is muted toward the bridge before it joins (and before its beep): nothing it sends reaches the page.
  // Only once answered: Asterisk refuses to mute a channel that is down or ringing (412).
  setLeg(step, channelId, 'muting');
  effect(step, { kind: 'mute', channelId });
}

function onMuted(step: Step, channelId: string): void {
  const found = legOf(pageOf(step), channelId);
  if (found?.leg.state === 'muting' && pageOf(step).phase !== 'ending') beepOrJoin(step, channelId);
}

function beepOrJoin(step: Step, channelId: string): void {
  if (!pageOf(step).beep) return joinLeg(step, channelId);
  setLeg(step, channelId, 'beeping');
  effect(step, {
    kind: 'play',
    playbackId: beepPlaybackId(channelId),
    channelId,
    media: ['sound:beep'],
  });
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
  // Intercom: the first device to answer is the call; the extension's other devices stop.
  if (page.mode === 'intercom')
    for (const other of legs)
      if (other.channelId !== channelId && other.state !== 'gone' && other.state !== 'pending')
        effect(step, { kind: 'hangup', channelId: other.channelId });
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
