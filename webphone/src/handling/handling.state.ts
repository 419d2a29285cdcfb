/**
 * The signed-in user's own DND and unconditional forward: read on sign-in and after every (re)connect, then
 * `user.dnd-changed` / `user.forwarding-changed` folded in (a desk phone's `*76` or `*72` shows here at once).
 * Supervisors also get their team's: only `ownerId`'s count. Pure.
 */
export interface HandlingState {
  ownerId: string | null;
  loaded: boolean;
  dnd: boolean;
  /** Where every call goes (`*72`), or null. */
  forwardAlways: string | null;
}

export type HandlingEvent =
  | { type: 'loaded'; ownerId: string; dnd: boolean; forwardAlways: string | null }
  | { type: 'event'; kind: 'user.dnd-changed' | 'user.forwarding-changed'; data: unknown }
  | { type: 'reset' };

export const initialHandlingState: HandlingState = {
  ownerId: null,
  loaded: false,
  dnd: false,
  forwardAlways: null,
};

export function handlingReducer(state: HandlingState, event: HandlingEvent): HandlingState {
  switch (event.type) {
    case 'reset':
      return initialHandlingState;
    case 'loaded':
      return { ownerId: event.ownerId, loaded: true, dnd: event.dnd, forwardAlways: event.forwardAlways };
    case 'event': {
      const data = (event.data ?? {}) as Record<string, unknown>;
      if (!state.loaded || data.userId !== state.ownerId) return state;
      if (event.kind === 'user.dnd-changed')
        return typeof data.enabled === 'boolean' ? { ...state, dnd: data.enabled } : state;
      if (!('always' in data)) return state;
      return { ...state, forwardAlways: typeof data.always === 'string' ? data.always : null };
    }
  }
}

export const isHandlingEvent = (type: string): type is 'user.dnd-changed' | 'user.forwarding-changed' =>
  type === 'user.dnd-changed' || type === 'user.forwarding-changed';
