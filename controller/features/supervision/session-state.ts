import type { AudioPath, SessionEvent, SessionState } from './supervision.types.js';

/** appArgs of our channels: `supervision:<id>:snoop` (snoops), `supervision:<id>:leg` (the supervisor's devices). */
export const snoopArgs = (id: string) => `supervision:${id}:snoop`;
export const legArgs = (id: string) => `supervision:${id}:leg`;
export const sessionIdFromArgs = (args: readonly string[]): string | undefined =>
  /^supervision:([\w-]+):(snoop|leg)$/.exec(args[0] ?? '')?.[1];

/** Bridge names a restarted controller recognises as ours: `supervision-<id>`. */
export const bridgeName = (id: string) => `supervision-${id}`;
export const isSupervisionBridge = (name: string) => name.startsWith('supervision-');
export const pathBridgeId = (id: string, n: number) => `sv-${id}-${n}`;
export const pathSnoopId = (id: string, n: number) => `sv-${id}-${n}-snoop`;
export const promptId = (id: string, n: number) => `sv-${id}-prompt-${n}`;

const without = (list: string[], item: string) => list.filter((x) => x !== item);
const withItem = (list: string[], item: string) => (list.includes(item) ? list : [...list, item]);

function addPath(state: SessionState, path: AudioPath): SessionState {
  const channels = path.snoopId ? withItem(state.channels, path.snoopId) : state.channels;
  const bridges = path.ownBridge ? withItem(state.bridges, path.bridgeId) : state.bridges;
  return { ...state, next: path, builds: state.builds + 1, channels, bridges };
}

/** Folds one event into the session. */
export function evolve(state: SessionState, event: SessionEvent): SessionState {
  switch (event.kind) {
    case 'opened':
      return event.session;
    case 'leg-gone':
      return {
        ...state,
        legs: state.legs.map((l) => (l.channelId === event.channelId ? { ...l, state: 'gone' } : l)),
        channels: without(state.channels, event.channelId),
      };
    case 'supervisor-up':
      return {
        ...state,
        phase: 'building',
        supervisorChannelId: event.channelId,
        legs: state.legs.map((l) => (l.channelId === event.channelId ? { ...l, state: 'up' } : l)),
        channels: withItem(state.channels, event.channelId),
      };
    case 'waiting':
      return { ...state, phase: 'waiting' };
    case 'call-attached':
      return { ...state, call: event.call, phase: state.phase === 'waiting' ? 'building' : state.phase };
    case 'mode-requested':
      return { ...state, mode: event.mode };
    case 'path-requested':
      return addPath(state, event.path);
    case 'snoop-entered':
      return state.next?.snoopId === event.snoopId
        ? { ...state, next: { ...state.next, stage: 'entered' } }
        : state;
    case 'path-ready':
      return state.next ? { ...state, next: { ...state.next, stage: 'ready' } } : state;
    case 'switched':
      return {
        ...state,
        phase: 'active',
        current: state.next,
        next: null,
        activeAt: state.activeAt ?? event.at,
      };
    case 'prompting':
      return { ...state, promptId: event.playbackId };
    case 'ending':
      return {
        ...state,
        phase: event.prompt ? 'refusing' : 'ending',
        endReason: state.endReason ?? event.reason,
        refusal: event.refusal ?? state.refusal,
      };
    case 'channel-gone':
      return {
        ...state,
        channels: without(state.channels, event.channelId),
        legs: state.legs.map((l) => (l.channelId === event.channelId ? { ...l, state: 'gone' } : l)),
        supervisorChannelId: state.supervisorChannelId === event.channelId ? null : state.supervisorChannelId,
      };
    case 'bridge-gone':
      return { ...state, bridges: without(state.bridges, event.bridgeId) };
    case 'ended':
      return { ...state, phase: 'ended', current: null, next: null, channels: [], bridges: [] };
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}

/** Every channel of ours a fact about it should reach: the supervisor, legs, snoops, and the call's parties. */
export function watchedChannels(state: SessionState): string[] {
  if (state.phase === 'ended') return [];
  const call = state.call ? [state.call.agentChannelId, state.call.otherChannelId] : [];
  return [...new Set([...state.channels, ...state.legs.map((l) => l.channelId), ...call])];
}
