import { pageViewOf, type PageView } from './page-view.js';
import type { PageEvent, PageState } from './paging.types.js';

export interface PageMemberJoinedEvent {
  pageId: string;
  number: string;
  extension: string;
  channelId: string;
}

declare module '../../bus/events.js' {
  interface EventMap {
    /** The pager is in the page's bridge: members are being called (each member's status, with a reason if skipped). */
    'page.started': PageView;
    /** A member's phone answered and is in the page's bridge, muted (it hears the pager). */
    'page.member-joined': PageMemberJoinedEvent;
    /** Every channel of the page has gone; `endReason` says why it ended. */
    'page.ended': PageView;
  }
}

export type PageBusEvent =
  | { type: 'page.started'; data: PageView }
  | { type: 'page.member-joined'; data: PageMemberJoinedEvent }
  | { type: 'page.ended'; data: PageView };

/** The decider's events that clients see, with the page as it stands after the event. */
export function busEventOf(event: PageEvent, page: PageState): PageBusEvent | undefined {
  // An intercom is a two-way call between two people, not a page: no page events.
  if (page.mode === 'intercom') return undefined;
  switch (event.kind) {
    case 'went-live':
      return { type: 'page.started', data: pageViewOf(page) };
    case 'member-joined':
      return {
        type: 'page.member-joined',
        data: {
          pageId: page.id,
          number: page.number,
          extension: event.extension,
          channelId: event.channelId,
        },
      };
    case 'ended':
      return { type: 'page.ended', data: pageViewOf(page) };
    default:
      return undefined;
  }
}
