import type { PageEvent, PageLeg, PageMember, PageState } from './paging.types.js';

/** Naming: what a restarted controller recognises in Asterisk. */
export const pageBridgeId = (pageId: string) => `page-${pageId}`;
export const pageBridgeName = (number: string) => `page-${number}`;
export const pageLegArgs = (pageId: string) => `page:${pageId}:leg`;
export const memberLegId = (pageId: string, member: number, account: number) =>
  `page-${pageId}-m${member}-${account}`;
export const pagerLegId = (pageId: string, account: number) => `page-${pageId}-p${account}`;
export const beepPlaybackId = (channelId: string) => `${channelId}-beep`;

/** The page id a leg's appArgs name (`page:<id>:leg`). */
export function pageIdOfArgs(args: string[]): string | undefined {
  return /^page:([\w-]+):leg$/.exec(args[0] ?? '')?.[1];
}

export function evolve(state: PageState | undefined, event: PageEvent): PageState | undefined {
  if (event.kind === 'created') return event.page;
  if (!state) return undefined;
  switch (event.kind) {
    case 'bridge-ready':
      return { ...state, bridge: 'ready' };
    case 'bridge-gone':
      return { ...state, bridge: 'gone' };
    case 'pager-changed':
      return { ...state, pager: event.pager };
    case 'member-changed':
      return {
        ...state,
        members: state.members.map((m) => (m.extension === event.member.extension ? event.member : m)),
      };
    case 'went-live':
      return { ...state, phase: 'live', deadline: event.deadline };
    case 'member-joined':
      return state;
    case 'ending':
      return { ...state, phase: 'ending', endReason: event.reason };
    case 'ended':
      return { ...state, phase: 'ended' };
    default: {
      const never: never = event;
      throw new Error(`unknown page event ${JSON.stringify(never)}`);
    }
  }
}

/** The member a channel is a leg of, and that leg. */
export function legOf(state: PageState, channelId: string): { member: PageMember; leg: PageLeg } | undefined {
  for (const member of state.members) {
    const leg = member.legs.find((l) => l.channelId === channelId);
    if (leg) return { member, leg };
  }
  return undefined;
}

/** Every channel of the page still there (pager and legs). */
export function liveChannels(state: PageState): string[] {
  const live = (l: PageLeg) => l.state !== 'gone' && l.state !== 'creating' && l.state !== 'pending';
  const legs = state.members.flatMap((m) => m.legs).filter(live);
  const pagerLegs = state.pager.legs.filter(live);
  const ids = new Set([...legs, ...pagerLegs].map((l) => l.channelId));
  if (state.pager.channelId && state.pager.state !== 'gone') ids.add(state.pager.channelId);
  return [...ids];
}

/** Channels with a leg being created: gone only once their creation has answered. */
export function creatingChannels(state: PageState): string[] {
  return [...state.members.flatMap((m) => m.legs), ...state.pager.legs]
    .filter((l) => l.state === 'creating')
    .map((l) => l.channelId);
}
