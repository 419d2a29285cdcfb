import { evolve, legOf } from './page-state.js';
import type { LegState, PageEffect, PageEvent, PageState } from './paging.types.js';

/** One decision being made: the page as it evolves, and what happened and what to do so far. */
export interface Step {
  state: PageState | undefined;
  events: PageEvent[];
  effects: PageEffect[];
  now: Date;
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

export function joinLeg(step: Step, channelId: string): void {
  setLeg(step, channelId, 'joining');
  effect(step, { kind: 'add-to-bridge', channelId });
}
