import { creatingChannels, legOf, liveChannels } from './page-state.js';
import { effect, emit, joinLeg, pageOf, setLeg, type Step } from './page-step.js';
import type { EndReason, PageMember } from './paging.types.js';

/** Channels going, members leaving, and the end of a page. */
export function onTaken(step: Step, extension: string): void {
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
  // Intercom: the call is its one member; once that member has no leg left, the call is over.
  if (
    page.mode === 'intercom' &&
    page.phase !== 'ending' &&
    legs.every((l) => l.state === 'gone' || l.state === 'pending')
  )
    return end(step, member.status === 'left' ? 'target-hung-up' : 'target-unavailable');
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

export function checkEnded(step: Step): void {
  const page = pageOf(step);
  if (page.phase !== 'ending') return;
  if (liveChannels(page).length === 0 && creatingChannels(page).length === 0) emit(step, { kind: 'ended' });
}

export function onReconcile(step: Step, alive: Set<string>): void {
  const page = pageOf(step);
  for (const channelId of [...liveChannels(page), ...creatingChannels(page)])
    if (!alive.has(channelId)) channelGone(step, channelId, 'no-answer');
  if (pageOf(step).phase === 'ending') return;
  // A member caught between its answer and the bridge when the controller went away: its mute's answer or its
  // beep's end was never seen. Mute it again (the answer comes back as `leg-muted`), or let it join without the beep.
  for (const leg of pageOf(step).members.flatMap((m) => m.legs)) {
    if (!alive.has(leg.channelId)) continue;
    if (leg.state === 'muting') effect(step, { kind: 'mute', channelId: leg.channelId });
    else if (leg.state === 'beeping') joinLeg(step, leg.channelId);
  }
}
