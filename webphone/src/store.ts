import { useSyncExternalStore } from 'react';

/** A tiny external store: state changes only through `dispatch(event)` folded by a pure reducer. */
export interface Store<S, E> {
  getState(): S;
  dispatch(event: E): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<S, E>(initial: S, reduce: (state: S, event: E) => S): Store<S, E> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(event) {
      const next = reduce(state, event);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Reads a store from React; re-renders when the selected value changes (compared with Object.is). */
export function useStore<S, E, T>(store: Store<S, E>, select: (state: S) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(store.getState()),
  );
}
