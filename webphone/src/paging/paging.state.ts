import type { ServerMessage } from '../api/types';
import { toGroup, toPage, toZone } from './paging.parse';

export type Priority = 'normal' | 'emergency';

export interface PagingGroup {
  id: string;
  number: string;
  name: string;
  members: string[];
  /** Every user with a registered phone ("all staff"). */
  everyone: boolean;
  priority: Priority;
}

export interface PagingZone {
  id: string;
  number: string;
  name: string;
  groupIds: string[];
}

export type MemberStatus = 'calling' | 'connected' | 'skipped' | 'failed' | 'left';

/** A page as the controller shows it (`page-view.ts`). */
export interface LivePage {
  id: string;
  number: string;
  name: string;
  priority: Priority;
  fromExtension: string;
  startedAt: string;
  phase: string;
  members: { extension: string; status: MemberStatus; reason?: string }[];
}

export interface PageTarget {
  kind: 'group' | 'zone';
  id: string;
  number: string;
  name: string;
}

/**
 * The paging console: groups and zones (read from the controller on every snapshot), the live pages (the
 * snapshot's `pages`, then `page.*`), and this user's request: an emergency page waits in `confirming` until
 * confirmed; `sending` is the request the shell must send now. Pure.
 */
export interface PagingState {
  config: 'loading' | 'loaded' | 'failed';
  groups: PagingGroup[];
  zones: PagingZone[];
  pages: Readonly<Record<string, LivePage>>;
  confirming: { target: PageTarget } | null;
  sending: { target: PageTarget; priority: Priority } | null;
  /** The page this user started: their phone rings until they answer (then it goes live). */
  mine: string | null;
  stopping: readonly string[];
  error: string | null;
}

export type PagingEvent =
  | { type: 'message'; message: ServerMessage }
  | { type: 'config-loaded'; groups: unknown[]; zones: unknown[] }
  | { type: 'config-failed' }
  | { type: 'page-requested'; target: PageTarget; priority: Priority }
  | { type: 'confirmed' }
  | { type: 'cancelled' }
  | { type: 'page-answered'; page: unknown }
  | { type: 'page-failed'; message: string }
  | { type: 'stop-requested'; pageId: string }
  | { type: 'stop-answered'; pageId: string }
  | { type: 'stop-failed'; pageId: string; message: string }
  | { type: 'dismiss-error' }
  | { type: 'reset' };

export const initialPagingState: PagingState = {
  config: 'loading',
  groups: [],
  zones: [],
  pages: {},
  confirming: null,
  sending: null,
  mine: null,
  stopping: [],
  error: null,
};

/** A page is emergency if asked so, or its group is, or (a zone) any of its groups is: as the controller decides. */
export function isEmergency(
  state: Pick<PagingState, 'groups' | 'zones'>,
  target: PageTarget,
  priority: Priority,
): boolean {
  if (priority === 'emergency') return true;
  const groupIds =
    target.kind === 'group' ? [target.id] : (state.zones.find((z) => z.id === target.id)?.groupIds ?? []);
  return state.groups.some((g) => groupIds.includes(g.id) && g.priority === 'emergency');
}

export function pagingReducer(state: PagingState, event: PagingEvent): PagingState {
  switch (event.type) {
    case 'reset':
      return initialPagingState;
    case 'message':
      return applyMessage(state, event.message);
    case 'config-loaded': {
      const groups = event.groups.flatMap((g) => toGroup(g) ?? []).sort(byNumber);
      const zones = event.zones.flatMap((z) => toZone(z) ?? []).sort(byNumber);
      return { ...state, config: 'loaded', groups, zones };
    }
    case 'config-failed':
      return state.config === 'loaded' ? state : { ...state, config: 'failed' };
    case 'page-requested': {
      if (state.sending || state.confirming) return state;
      // An emergency page overrides DND and takes members out of other pages: it is sent only once confirmed.
      if (isEmergency(state, event.target, event.priority))
        return { ...state, confirming: { target: event.target }, error: null };
      return { ...state, sending: { target: event.target, priority: 'normal' }, error: null };
    }
    case 'confirmed':
      return state.confirming
        ? { ...state, confirming: null, sending: { target: state.confirming.target, priority: 'emergency' } }
        : state;
    case 'cancelled':
      return state.confirming ? { ...state, confirming: null } : state;
    case 'page-answered': {
      const page = toPage(event.page);
      if (!page) return { ...state, sending: null };
      const pages = state.pages[page.id] ? state.pages : { ...state.pages, [page.id]: page };
      return { ...state, sending: null, pages, mine: page.id };
    }
    case 'page-failed':
      return { ...state, sending: null, error: event.message };
    case 'stop-requested':
      return state.stopping.includes(event.pageId)
        ? state
        : { ...state, stopping: [...state.stopping, event.pageId], error: null };
    case 'stop-answered':
      return { ...state, stopping: state.stopping.filter((id) => id !== event.pageId) };
    case 'stop-failed':
      return { ...state, stopping: state.stopping.filter((id) => id !== event.pageId), error: event.message };
    case 'dismiss-error':
      return { ...state, error: null };
  }
}

function applyMessage(state: PagingState, message: ServerMessage): PagingState {
  const data = message.data as Record<string, unknown> | null;
  switch (message.type) {
    case 'snapshot': {
      const list = data?.pages;
      const pages: Record<string, LivePage> = {};
      for (const item of Array.isArray(list) ? list : []) {
        const page = toPage(item);
        if (page) pages[page.id] = page;
      }
      return { ...state, pages, mine: state.mine && pages[state.mine] ? state.mine : null };
    }
    case 'page.started': {
      const page = toPage(data);
      return page ? { ...state, pages: { ...state.pages, [page.id]: page } } : state;
    }
    case 'page.member-joined': {
      const pageId = typeof data?.pageId === 'string' ? data.pageId : '';
      const extension = typeof data?.extension === 'string' ? data.extension : '';
      const page = state.pages[pageId];
      if (!page || !extension) return state;
      const known = page.members.some((m) => m.extension === extension);
      const members = known
        ? page.members.map((m) =>
            m.extension === extension ? { extension, status: 'connected' as const } : m,
          )
        : [...page.members, { extension, status: 'connected' as const }];
      return { ...state, pages: { ...state.pages, [pageId]: { ...page, members } } };
    }
    case 'page.ended': {
      const page = toPage(data);
      if (!page) return state;
      const { [page.id]: _gone, ...pages } = state.pages;
      return {
        ...state,
        pages,
        mine: state.mine === page.id ? null : state.mine,
        stopping: state.stopping.filter((id) => id !== page.id),
      };
    }
    default:
      return state;
  }
}

const byNumber = (a: { number: string }, b: { number: string }) => a.number.localeCompare(b.number);
